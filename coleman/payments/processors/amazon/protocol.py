"""Amazon FPS through the Co-Branded User Interface, as pure functions: signing, requests, parsers.

The protocol, as Amazon documented it (CBUI version 2009-01-09, FPS API version 2008-09-17):

1. The store sends the shopper to the CBUI start page with a signed query string: our access
   key (``callerKey``), our reference for the order (``callerReference``), a reason, the
   amount, the ``SingleUse`` pipeline and the ``returnURL`` (:func:`cbui_parameters`).
2. Amazon sends the shopper back to ``returnURL`` with ``status``, ``tokenID`` and
   ``callerReference``, signed by Amazon: RSA-SHA1 with Amazon's private key, the
   ``certificateUrl`` of its public certificate, ``signatureVersion=2``
   (:mod:`.returns`). The store does not check that signature itself: it asks FPS with the
   ``VerifySignature`` action (:func:`verify_signature_parameters`), after checking that
   ``certificateUrl`` is on an Amazon host it trusts. IPNs are signed and verified the same way.
3. The store charges the token with the FPS ``Pay`` action (:func:`pay_parameters`); a
   ``Pay`` sent again with the same ``CallerReference`` is the same request to FPS, not a
   second charge.

Every request *we* make is signed with AWS Signature Version 2 (HmacSHA256 under our secret
key) over the canonical string ``VERB\\nhost\\npath\\nsorted-query`` (see
:func:`string_to_sign`); Amazon's own returns use the same string with RSA-SHA1. Answers are
read in the namespace of the API ``Version`` we sent (2008-09-17 or 2010-08-28). Nothing here
touches the network or the database; the aggregated payments' actions are in
:mod:`.aggregated`, the error codes in :mod:`.errors`.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from lxml import etree

from ... import xml as safe_xml
from ...amounts import format_amount
from .errors import AmazonMalformedResponse, AmazonResponseError, AmazonSignatureError
from .signature import (
    aws_quote,
    canonical_query_string,
    sign,
    sign_fps_parameters,
    signature_is_valid,
    signed_url,
    string_to_sign,
)

#: The live service's pages and API (Amazon's own sandbox: authorize.payments-sandbox.amazon.com,
#: fps.sandbox.amazonaws.com).
LIVE_CBUI_ENDPOINT = "https://authorize.payments.amazon.com/cobranded-ui/actions/start"
LIVE_FPS_ENDPOINT = "https://fps.amazonaws.com/"

SIGNATURE_METHOD = "HmacSHA256"
#: How Amazon signs what it sends us (CBUI returns, IPNs).
OUTBOUND_SIGNATURE_METHOD = "RSA-SHA1"
SIGNATURE_VERSION = "2"
CBUI_VERSION = "2009-01-09"
FPS_VERSION = "2008-09-17"
#: The FPS API versions the store can speak; answers come in the version's namespace.
FPS_VERSIONS = ("2008-09-17", "2010-08-28")
FPS_NAMESPACE = f"http://fps.amazonaws.com/doc/{FPS_VERSION}/"
#: The hosts whose certificates sign Amazon's returns and IPNs (certificateUrl). Live FPS only:
#: against Amazon's own test service add fps.sandbox.amazonaws.com in the setting.
AMAZON_CERTIFICATE_HOSTS = ("fps.amazonaws.com",)
#: The CBUI's payment methods: Amazon Payments balance, bank account (ACH), credit card.
DEFAULT_PAYMENT_METHODS = "ABT,ACH,CC"
#: Transaction statuses FPS answers (TransactionStatus).
SUCCESS, PENDING, RESERVED, FAILURE, CANCELLED = "Success", "Pending", "Reserved", "Failure", "Cancelled"
TRANSACTION_STATUSES = (SUCCESS, PENDING, RESERVED, FAILURE, CANCELLED)

# Longest tokenID / callerReference we store (Amazon's tokens are 65 characters).
MAX_TOKEN_LENGTH = 255


# --- the CBUI hand-off and return -------------------------------------------------------


def cbui_parameters(
    *,
    access_key,
    caller_reference,
    amount,
    reason,
    return_url,
    currency="USD",
    payment_methods=DEFAULT_PAYMENT_METHODS,
):
    """The unsigned CBUI request parameters for a single-use payment token.

    ``signatureMethod``/``signatureVersion`` are signed parameters like the others (the book
    added them after signing, which Amazon would refuse); so is ``paymentMethod`` (the book's
    ``ABT,ACH,CC``: Amazon balance, bank account, credit card).
    """
    return {
        "callerKey": access_key,
        "callerReference": str(caller_reference),
        "currencyCode": currency,
        "paymentMethod": payment_methods,
        "paymentReason": reason,
        "pipelineName": "SingleUse",
        "returnURL": return_url,
        "signatureMethod": SIGNATURE_METHOD,
        "signatureVersion": SIGNATURE_VERSION,
        "transactionAmount": format_amount(amount),
        "version": CBUI_VERSION,
    }


def cbui_url(endpoint, params, secret_key) -> str:
    """The signed CBUI start URL the shopper's browser is sent to."""
    return signed_url(endpoint, params, secret_key, signature_name="signature")


# --- the FPS Pay action -----------------------------------------------------------------


def aws_timestamp(now=None) -> str:
    """An ISO 8601 UTC timestamp as FPS requires in ``Timestamp``."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fps_parameters(action, *, access_key, version=FPS_VERSION, timestamp=None, **fields):
    """The unsigned parameters of an FPS ``action``: ours (key, method, version, timestamp) and ``fields``."""
    return {
        "AWSAccessKeyId": access_key,
        "Action": action,
        "SignatureMethod": SIGNATURE_METHOD,
        "SignatureVersion": SIGNATURE_VERSION,
        "Timestamp": timestamp or aws_timestamp(),
        "Version": version,
        **{name: str(value) for name, value in fields.items()},
    }


def amount_fields(name, amount, currency):
    """``{name.CurrencyCode, name.Value}``: how FPS takes an Amount (the book sent a bare number)."""
    return {f"{name}.CurrencyCode": currency, f"{name}.Value": format_amount(amount)}


def pay_parameters(
    *, access_key, sender_token_id, amount, caller_reference, currency="USD", timestamp=None, version=FPS_VERSION
):
    """The unsigned parameters of an FPS ``Pay`` request.

    Retrying a ``Pay`` must send the same ``CallerReference``, token and amount: FPS then
    answers with the original transaction instead of charging twice.
    """
    return fps_parameters(
        "Pay",
        access_key=access_key,
        version=version,
        timestamp=timestamp,
        CallerReference=caller_reference,
        SenderTokenId=sender_token_id,
        **amount_fields("TransactionAmount", amount, currency),
    )


def refund_parameters(
    *, access_key, transaction_id, amount, caller_reference, currency="USD", timestamp=None, version=FPS_VERSION
):
    """The unsigned parameters of an FPS ``Refund`` of (part of) a completed Pay transaction."""
    return fps_parameters(
        "Refund",
        access_key=access_key,
        version=version,
        timestamp=timestamp,
        CallerReference=caller_reference,
        TransactionId=transaction_id,
        **amount_fields("RefundAmount", amount, currency),
    )


def verify_signature_parameters(*, access_key, url_endpoint, http_parameters, timestamp=None, version=FPS_VERSION):
    """``VerifySignature``: ask FPS whether the message sent to ``url_endpoint`` is Amazon's.

    ``url_endpoint`` is our URL the message came to (without its query); ``http_parameters``
    is the message as received (the return's query string or the IPN's body).
    """
    return fps_parameters(
        "VerifySignature",
        access_key=access_key,
        version=version,
        timestamp=timestamp,
        UrlEndPoint=url_endpoint,
        HttpParameters=http_parameters,
    )


@dataclass(frozen=True)
class PayResult:
    """The outcome of a money-moving action (``Pay``, ``Refund``, ``FundPrepaid``, ``SettleDebt``…).

    ``status`` is FPS's TransactionStatus: Success, Pending, Reserved, Failure or Cancelled;
    ``raw`` is the answer as received.
    """

    transaction_id: str
    status: str
    request_id: str = ""
    raw: str = ""
    caller_reference: str = ""

    @property
    def succeeded(self):
        """True when FPS completed the transaction."""
        return self.status == SUCCESS

    @property
    def pending(self):
        """True when FPS accepted the transaction but has not completed it yet."""
        return self.status in {PENDING, RESERVED}

    @property
    def failed(self):
        """True when FPS will never complete it (Failure, Cancelled, or a status we do not know)."""
        return not self.succeeded and not self.pending


# FPS answers are small; anything bigger is not an FPS answer.
MAX_RESPONSE_BYTES = 64 * 1024


def parse_xml(body):
    """Parse an FPS answer with the store's safe parser (no DTD, entities or network; 64 KiB)."""
    try:
        return safe_xml.parse_xml(body, max_bytes=MAX_RESPONSE_BYTES)
    except safe_xml.XMLError as exc:
        raise AmazonMalformedResponse(f"The FPS response is not acceptable XML: {exc}") from exc


def text(element, local_name):
    """The stripped text of the first descendant of ``element`` called ``local_name`` ("" if none)."""
    found = [node for node in element.iter() if isinstance(node.tag, str) and etree.QName(node).localname == local_name]
    return (found[0].text or "").strip() if found else ""


def parse_response(body, action, version=FPS_VERSION):
    """The root of an ``<action>Response`` in ``version``'s namespace.

    Raises :class:`AmazonResponseError` for an FPS error document and
    :class:`AmazonMalformedResponse` for anything else (another document, another version).
    """
    root = parse_xml(body)
    name = etree.QName(root)
    if name.localname == "Response" and text(root, "Code"):
        raise AmazonResponseError(text(root, "Code"), text(root, "Message"), text(root, "RequestID"))
    if name.localname != f"{action}Response":
        raise AmazonMalformedResponse(f"Expected a {action}Response, got <{name.localname}>.")
    if name.namespace != f"http://fps.amazonaws.com/doc/{version}/":
        raise AmazonMalformedResponse(f"The {action}Response is not in the namespace of version {version}.")
    return root


def parse_transaction_response(body, action="Pay", version=FPS_VERSION) -> PayResult:
    """Read a ``<action>Response`` carrying ``TransactionId`` and ``TransactionStatus``."""
    root = parse_response(body, action, version)
    transaction_id = text(root, "TransactionId")
    status = text(root, "TransactionStatus")
    if not transaction_id or not status:
        raise AmazonMalformedResponse(f"The {action}Response has no TransactionId or TransactionStatus.")
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return PayResult(
        transaction_id=transaction_id,
        status=status,
        request_id=text(root, "RequestId"),
        raw=raw,
        caller_reference=text(root, "CallerReference"),
    )


def parse_pay_response(body, version=FPS_VERSION) -> PayResult:
    """Read a ``PayResponse`` document; raise :class:`AmazonResponseError` for an error document."""
    return parse_transaction_response(body, "Pay", version)


def parse_verify_signature_response(body, version=FPS_VERSION) -> bool:
    """True when a ``VerifySignatureResponse`` says ``VerificationStatus`` Success."""
    status = text(parse_response(body, "VerifySignature", version), "VerificationStatus")
    if status not in {"Success", "Failure"}:
        raise AmazonMalformedResponse("The VerifySignatureResponse has no VerificationStatus.")
    return status == "Success"


def encode_form(params) -> str:
    """``params`` as an ``application/x-www-form-urlencoded`` body."""
    return urlencode(sorted(params.items()))


__all__ = [
    "DEFAULT_PAYMENT_METHODS",
    "FPS_VERSIONS",
    "TRANSACTION_STATUSES",
    "AmazonMalformedResponse",
    "AmazonResponseError",
    "AmazonSignatureError",
    "PayResult",
    "amount_fields",
    "aws_quote",
    "aws_timestamp",
    "canonical_query_string",
    "cbui_parameters",
    "cbui_url",
    "encode_form",
    "fps_parameters",
    "parse_pay_response",
    "parse_response",
    "parse_transaction_response",
    "parse_verify_signature_response",
    "pay_parameters",
    "refund_parameters",
    "sign",
    "sign_fps_parameters",
    "signature_is_valid",
    "string_to_sign",
    "verify_signature_parameters",
]
