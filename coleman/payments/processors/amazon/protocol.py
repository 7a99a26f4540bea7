"""Amazon FPS through the Co-Branded User Interface, as pure functions: signing, requests, parsers.

The protocol, as Amazon documented it (CBUI version 2009-01-09, FPS API version 2008-09-17):

1. The store sends the shopper to the CBUI start page with a signed query string: our access
   key (``callerKey``), our reference for the order (``callerReference``), a reason, the
   amount, the ``SingleUse`` pipeline and the ``returnURL`` (:func:`cbui_parameters`).
2. Amazon sends the shopper back to ``returnURL`` with ``status``, ``tokenID`` and
   ``callerReference``, signed with the same scheme (:func:`parse_cbui_return`).
3. The store charges the token with the FPS ``Pay`` action (:func:`pay_parameters`); a
   ``Pay`` sent again with the same ``CallerReference`` is the same request to FPS, not a
   second charge.

Every request is signed with AWS Signature Version 2 (HmacSHA256) over the canonical string
``VERB\\nhost\\npath\\nsorted-query`` (see :func:`string_to_sign`). Nothing here touches the
network or the database.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit

from lxml import etree

from ... import xml as safe_xml
from ...amounts import format_amount
from ...exceptions import GatewayRefused, GatewayResponseError, Unauthenticated

#: The live service's pages and API (Amazon's own sandbox: authorize.payments-sandbox.amazon.com,
#: fps.sandbox.amazonaws.com).
LIVE_CBUI_ENDPOINT = "https://authorize.payments.amazon.com/cobranded-ui/actions/start"
LIVE_FPS_ENDPOINT = "https://fps.amazonaws.com/"

SIGNATURE_METHOD = "HmacSHA256"
SIGNATURE_VERSION = "2"
CBUI_VERSION = "2009-01-09"
FPS_VERSION = "2008-09-17"
FPS_NAMESPACE = f"http://fps.amazonaws.com/doc/{FPS_VERSION}/"

# CBUI return statuses (Amazon's codes): the three "success" codes differ only in how the
# shopper funds the payment; "A" means the shopper aborted (declined) on Amazon's pages.
CBUI_SUCCESS_STATUSES = {"SA": "Amazon Payments balance", "SB": "bank account", "SC": "credit card"}
CBUI_FAILURE_STATUSES = {
    "A": "The payment was cancelled on Amazon's page.",
    "CE": "Amazon refused the payment request (caller exception).",
    "NP": "The payment cannot be completed with this account.",
    "NM": "The payment method is not allowed for this merchant.",
    "PE": "The payment method did not match the request.",
    "SE": "Amazon had a temporary problem; please try again.",
}
# Longest tokenID / callerReference we store (Amazon's tokens are 65 characters).
MAX_TOKEN_LENGTH = 255
# Parameter names that carry the signature itself and are never part of the signed string.
SIGNATURE_PARAMS = frozenset({"signature", "Signature"})


# --- errors ----------------------------------------------------------------------------


class AmazonSignatureError(Unauthenticated):
    """A message that claims to come from Amazon is unsigned or its signature is wrong (403)."""

    status = 403


class AmazonResponseError(GatewayRefused):
    """FPS answered with an error document (``code`` and ``message`` as Amazon sent them)."""

    #: Error codes that mean "our credentials or signature are wrong".
    AUTH_CODES = frozenset({"SignatureDoesNotMatch", "InvalidAccessKeyId", "AuthFailure", "IncompleteSignature"})
    #: Error codes that mean "this token cannot be charged".
    TOKEN_CODES = frozenset({"InvalidTokenId", "TokenNotActive", "TokenUsageError", "InsufficientBalance"})

    def __init__(self, code, message, request_id=""):
        super().__init__(f"{code}: {message}", code=code, detail=message)
        self.message = message
        self.request_id = request_id

    @property
    def is_auth_failure(self):
        """True when FPS refused our credentials or signature (a configuration problem)."""
        return self.code in self.AUTH_CODES

    @property
    def is_duplicate(self):
        """True when FPS saw this CallerReference before with different parameters."""
        return self.code == "DuplicateRequest"

    @property
    def is_token_failure(self):
        """True when the shopper's payment token cannot be charged."""
        return self.code in self.TOKEN_CODES


class AmazonMalformedResponse(GatewayResponseError):
    """FPS answered with something that is not the expected response or an error document."""


# --- Signature Version 2 ----------------------------------------------------------------


def aws_quote(value) -> str:
    """Percent-encode ``value`` as AWS requires: RFC 3986, only ``A-Za-z0-9-_.~`` left as is.

    UTF-8 first, spaces become ``%20`` (never ``+``), ``/`` and ``*`` are encoded.
    """
    return quote(str(value).encode("utf-8"), safe="-_.~")


def canonical_query_string(params) -> str:
    """The sorted, encoded ``name=value&…`` string of every parameter except the signature.

    AWS sorts by parameter name in byte order (so ``AWSAccessKeyId`` sorts before ``Action``
    and every upper-case name before every lower-case one).
    """
    pairs = sorted(
        (aws_quote(name), aws_quote(value)) for name, value in params.items() if name not in SIGNATURE_PARAMS
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def string_to_sign(method, host, path, params) -> str:
    """AWS's StringToSign: verb, lower-cased host, path (``/`` when empty) and the canonical query."""
    return "\n".join([method.upper(), host.lower(), path or "/", canonical_query_string(params)])


def sign(secret_key, method, host, path, params) -> str:
    """The base64 HMAC-SHA256 signature of ``params`` for a request to ``host`` + ``path``."""
    message = string_to_sign(method, host, path, params).encode("utf-8")
    digest = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_is_valid(secret_key, method, host, path, params, signature) -> bool:
    """True when ``signature`` is the right one for ``params`` (constant-time comparison)."""
    if not signature:
        return False
    expected = sign(secret_key, method, host, path, params)
    return hmac.compare_digest(expected.encode("ascii"), str(signature).encode("utf-8", "replace"))


def split_endpoint(url):
    """``(host, path)`` of an endpoint URL as they enter the string to sign (host with any port)."""
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path or "/"


def signed_url(endpoint, params, secret_key, *, signature_name="signature") -> str:
    """``endpoint?query`` with ``params`` signed for a GET to that endpoint."""
    host, path = split_endpoint(endpoint)
    signed = dict(params)
    signed[signature_name] = sign(secret_key, "GET", host, path, params)
    query = "&".join(f"{aws_quote(k)}={aws_quote(v)}" for k, v in sorted(signed.items()))
    return f"{endpoint}?{query}"


# --- the CBUI hand-off and return -------------------------------------------------------


def cbui_parameters(*, access_key, caller_reference, amount, reason, return_url, currency="USD"):
    """The unsigned CBUI request parameters for a single-use payment token.

    ``signatureMethod``/``signatureVersion`` are signed parameters like the others (the book
    added them after signing, which Amazon would refuse).
    """
    return {
        "callerKey": access_key,
        "callerReference": str(caller_reference),
        "currencyCode": currency,
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


@dataclass(frozen=True)
class CbuiReturn:
    """What Amazon said when it sent the shopper back to the return URL."""

    status: str
    token_id: str
    caller_reference: str

    @property
    def succeeded(self):
        """True when the shopper authorised the payment (status SA, SB or SC)."""
        return self.status in CBUI_SUCCESS_STATUSES

    @property
    def message(self):
        """A sentence for the shopper describing the outcome."""
        if self.succeeded:
            return f"Amazon authorised the payment from your {CBUI_SUCCESS_STATUSES[self.status]}."
        return CBUI_FAILURE_STATUSES.get(self.status, "Amazon did not authorise the payment.")


def parse_cbui_return(params, *, secret_key, return_url) -> CbuiReturn:
    """Authenticate and read the parameters Amazon added to the return URL.

    ``params`` are the query parameters of the request (a plain dict of str); ``return_url``
    is the URL they were sent to (its host and path are part of the signed string).
    Raises :class:`AmazonSignatureError` when the signature is missing or wrong, or when the
    signature method is not the one we asked for.
    """
    if params.get("signatureMethod") != SIGNATURE_METHOD or params.get("signatureVersion") != SIGNATURE_VERSION:
        raise AmazonSignatureError("The return is not signed with Signature Version 2 / HmacSHA256.")
    host, path = split_endpoint(return_url)
    if not signature_is_valid(secret_key, "GET", host, path, params, params.get("signature")):
        raise AmazonSignatureError("The return's signature does not match.")
    status = params.get("status", "")
    reference = params.get("callerReference", "")
    if not status or not reference:
        raise AmazonSignatureError("The return is missing its status or callerReference.")
    token = params.get("tokenID", "")
    if status in CBUI_SUCCESS_STATUSES and not token:
        raise AmazonSignatureError("A successful return must carry a tokenID.")
    if len(token) > MAX_TOKEN_LENGTH or len(reference) > MAX_TOKEN_LENGTH:
        raise AmazonSignatureError("The return's tokenID or callerReference is too long.")
    return CbuiReturn(status=status, token_id=token, caller_reference=reference)


# --- the FPS Pay action -----------------------------------------------------------------


def aws_timestamp(now=None) -> str:
    """An ISO 8601 UTC timestamp as FPS requires in ``Timestamp``."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def pay_parameters(*, access_key, sender_token_id, amount, caller_reference, currency="USD", timestamp=None):
    """The unsigned parameters of an FPS ``Pay`` request.

    Retrying a ``Pay`` must send the same ``CallerReference``, token and amount: FPS then
    answers with the original transaction instead of charging twice.
    """
    return {
        "AWSAccessKeyId": access_key,
        "Action": "Pay",
        "CallerReference": str(caller_reference),
        "SenderTokenId": sender_token_id,
        "SignatureMethod": SIGNATURE_METHOD,
        "SignatureVersion": SIGNATURE_VERSION,
        "Timestamp": timestamp or aws_timestamp(),
        "TransactionAmount.CurrencyCode": currency,
        "TransactionAmount.Value": format_amount(amount),
        "Version": FPS_VERSION,
    }


def sign_fps_parameters(endpoint, params, secret_key, method="GET"):
    """``params`` plus their ``Signature`` for a request to the FPS ``endpoint``."""
    host, path = split_endpoint(endpoint)
    return {**params, "Signature": sign(secret_key, method, host, path, params)}


@dataclass(frozen=True)
class PayResult:
    """The outcome of a ``Pay`` (or ``Refund``) request; ``raw`` is the answer as received."""

    transaction_id: str
    status: str
    request_id: str = ""
    raw: str = ""

    @property
    def succeeded(self):
        """True when FPS completed the payment."""
        return self.status == "Success"

    @property
    def pending(self):
        """True when FPS accepted the payment but has not settled it yet."""
        return self.status in {"Pending", "Reserved"}


# FPS answers are small; anything bigger is not an FPS answer.
MAX_RESPONSE_BYTES = 64 * 1024


def parse_xml(body):
    """Parse an FPS answer with the store's safe parser (no DTD, entities or network; 64 KiB)."""
    try:
        return safe_xml.parse_xml(body, max_bytes=MAX_RESPONSE_BYTES)
    except safe_xml.XMLError as exc:
        raise AmazonMalformedResponse(f"The FPS response is not acceptable XML: {exc}") from exc


def _text(element, local_name):
    found = [node for node in element.iter() if isinstance(node.tag, str) and etree.QName(node).localname == local_name]
    return (found[0].text or "").strip() if found else ""


def parse_transaction_response(body, action="Pay") -> PayResult:
    """Read a ``<action>Response`` document (``PayResponse``, ``RefundResponse``).

    Raises :class:`AmazonResponseError` for an FPS error document and
    :class:`AmazonMalformedResponse` for anything else that is not the expected answer.
    """
    root = parse_xml(body)
    tag = etree.QName(root).localname
    if tag == "Response" and _text(root, "Code"):
        raise AmazonResponseError(_text(root, "Code"), _text(root, "Message"), _text(root, "RequestID"))
    if tag != f"{action}Response":
        raise AmazonMalformedResponse(f"Expected a {action}Response, got <{tag}>.")
    transaction_id = _text(root, "TransactionId")
    status = _text(root, "TransactionStatus")
    if not transaction_id or not status:
        raise AmazonMalformedResponse(f"The {action}Response has no TransactionId or TransactionStatus.")
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return PayResult(transaction_id=transaction_id, status=status, request_id=_text(root, "RequestId"), raw=raw)


def parse_pay_response(body) -> PayResult:
    """Read a ``PayResponse`` document; raise :class:`AmazonResponseError` for an error document."""
    return parse_transaction_response(body, "Pay")


def refund_parameters(*, access_key, transaction_id, amount, caller_reference, currency="USD", timestamp=None):
    """The unsigned parameters of an FPS ``Refund`` of (part of) a completed Pay transaction."""
    return {
        "AWSAccessKeyId": access_key,
        "Action": "Refund",
        "CallerReference": str(caller_reference),
        "RefundAmount.CurrencyCode": currency,
        "RefundAmount.Value": format_amount(amount),
        "SignatureMethod": SIGNATURE_METHOD,
        "SignatureVersion": SIGNATURE_VERSION,
        "Timestamp": timestamp or aws_timestamp(),
        "TransactionId": transaction_id,
        "Version": FPS_VERSION,
    }


def encode_form(params) -> str:
    """``params`` as an ``application/x-www-form-urlencoded`` body."""
    return urlencode(sorted(params.items()))


__all__ = [
    "AmazonMalformedResponse",
    "AmazonResponseError",
    "AmazonSignatureError",
    "CbuiReturn",
    "PayResult",
    "aws_quote",
    "aws_timestamp",
    "canonical_query_string",
    "cbui_parameters",
    "cbui_url",
    "encode_form",
    "parse_cbui_return",
    "parse_pay_response",
    "parse_transaction_response",
    "pay_parameters",
    "refund_parameters",
    "sign",
    "sign_fps_parameters",
    "signature_is_valid",
    "string_to_sign",
]
