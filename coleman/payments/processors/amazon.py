"""Amazon Flexible Payments Service (FPS) through the Co-Branded User Interface (CBUI).

The protocol, as Amazon documented it (CBUI version 2009-01-09, FPS API version 2008-09-17):

1. The store sends the shopper to the CBUI start page with a signed query string: our access
   key (``callerKey``), our reference for the order (``callerReference``), a reason, the
   amount, the ``SingleUse`` pipeline and the ``returnURL``.
2. Amazon sends the shopper back to ``returnURL`` with ``status``, ``tokenID`` and
   ``callerReference``, signed with the same Signature Version 2 scheme.
3. The store charges the token later with the FPS ``Pay`` action (signed the same way); a
   ``Pay`` that has to be retried is sent again with the same ``CallerReference``, which FPS
   treats as the same request instead of a second charge.

Every request is signed with AWS Signature Version 2 (HmacSHA256) over the canonical string
``VERB\\nhost\\npath\\nsorted-query`` (see :func:`string_to_sign`). This module holds the
protocol as pure functions; the processor class at the bottom wires it into the store.
"""

import base64
import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit

from lxml import etree

from coleman.core.money import to_money

logger = logging.getLogger(__name__)

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
# Parameter names that carry the signature itself and are never part of the signed string.
SIGNATURE_PARAMS = frozenset({"signature", "Signature"})


# --- errors ----------------------------------------------------------------------------


class AmazonError(Exception):
    """Base class of every Amazon FPS failure."""


class AmazonSignatureError(AmazonError):
    """A message that claims to come from Amazon is unsigned or its signature is wrong."""


class AmazonResponseError(AmazonError):
    """FPS answered with an error document (``code`` and ``message`` as Amazon sent them)."""

    #: Error codes that mean "our credentials or signature are wrong".
    AUTH_CODES = frozenset(
        {"SignatureDoesNotMatch", "InvalidAccessKeyId", "AuthFailure", "IncompleteSignature"}
    )
    #: Error codes that mean "this token cannot be charged".
    TOKEN_CODES = frozenset({"InvalidTokenId", "TokenNotActive", "TokenUsageError", "InsufficientBalance"})

    def __init__(self, code, message, request_id=""):
        super().__init__(f"{code}: {message}")
        self.code = code
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


class AmazonMalformedResponse(AmazonError):
    """FPS answered with something that is not a Pay response or an error document."""


class AmazonUnavailable(AmazonError):
    """FPS could not be reached; the same request may be retried with the same CallerReference."""


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


def format_amount(amount) -> str:
    """An amount as Amazon expects it in requests: a plain decimal with two places."""
    return str(to_money(amount))


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
    if (
        params.get("signatureMethod") != SIGNATURE_METHOD
        or params.get("signatureVersion") != SIGNATURE_VERSION
    ):
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
    """The outcome of a ``Pay`` request."""

    transaction_id: str
    status: str
    request_id: str = ""

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


def _xml_parser():
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(body):
    """Parse ``body`` with lxml, refusing DTDs/entities and never touching the network."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if len(body) > MAX_RESPONSE_BYTES:
        raise AmazonMalformedResponse("The FPS response is too large.")
    try:
        root = etree.fromstring(body, parser=_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise AmazonMalformedResponse(f"The FPS response is not XML: {exc}") from exc
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise AmazonMalformedResponse("The FPS response must not carry a DTD.")
    return root


def _text(element, local_name):
    found = element.xpath(f".//*[local-name()='{local_name}']")
    return (found[0].text or "").strip() if found else ""


def parse_pay_response(body) -> PayResult:
    """Read a ``PayResponse`` document; raise :class:`AmazonResponseError` for an error document."""
    root = parse_xml(body)
    tag = etree.QName(root).localname
    if tag == "Response" and root.xpath(".//*[local-name()='Error']"):
        raise AmazonResponseError(_text(root, "Code"), _text(root, "Message"), _text(root, "RequestID"))
    if tag != "PayResponse":
        raise AmazonMalformedResponse(f"Expected a PayResponse, got <{tag}>.")
    transaction_id = _text(root, "TransactionId")
    status = _text(root, "TransactionStatus")
    if not transaction_id or not status:
        raise AmazonMalformedResponse("The PayResponse has no TransactionId or TransactionStatus.")
    return PayResult(transaction_id=transaction_id, status=status, request_id=_text(root, "RequestId"))


def requests_transport(url, body, *, timeout):
    """POST ``body`` (form-encoded) to ``url`` with requests; return the response body bytes.

    FPS answers errors with HTTP 4xx and an error document, so 4xx bodies are returned for
    parsing; connection failures and 5xx raise :class:`AmazonUnavailable` (safe to retry).
    """
    import requests

    try:
        response = requests.post(
            url,
            data=body.encode("utf-8") if isinstance(body, str) else body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            timeout=timeout,
        )
    except requests.RequestException as exc:
        raise AmazonUnavailable(f"FPS could not be reached: {exc}") from exc
    if response.status_code >= 500:
        raise AmazonUnavailable(f"FPS answered HTTP {response.status_code}.")
    return response.content


@dataclass
class FpsClient:
    """Calls the FPS API at ``endpoint`` with the merchant's access key and secret key.

    ``transport(url, body, timeout=…) -> bytes`` does the HTTP POST; tests pass their own.
    """

    endpoint: str
    access_key: str
    secret_key: str
    transport: object = requests_transport
    timeout: float = 15.0
    attempts: int = 3

    def pay(self, *, sender_token_id, amount, caller_reference, currency="USD") -> PayResult:
        """Charge ``amount`` to the shopper's token.

        A network failure is retried (up to ``attempts`` times) with the same CallerReference,
        token and amount, which FPS answers with the original transaction instead of a second
        charge. Raises :class:`AmazonResponseError` when FPS refuses the payment.
        """
        last_error = None
        for _attempt in range(max(1, self.attempts)):
            params = pay_parameters(
                access_key=self.access_key,
                sender_token_id=sender_token_id,
                amount=amount,
                caller_reference=caller_reference,
                currency=currency,
            )
            body = encode_form(sign_fps_parameters(self.endpoint, params, self.secret_key, method="POST"))
            try:
                return parse_pay_response(self.transport(self.endpoint, body, timeout=self.timeout))
            except AmazonUnavailable as exc:
                logger.warning(
                    "FPS Pay %s failed, retrying with the same CallerReference: %s", caller_reference, exc
                )
                last_error = exc
        raise last_error


def encode_form(params) -> str:
    """``params`` as an ``application/x-www-form-urlencoded`` body."""
    return urlencode(sorted(params.items()))


def amounts_match(expected, value) -> bool:
    """True when ``value`` (a string from the wire) is the same amount of money as ``expected``."""
    try:
        return to_money(value) == to_money(expected)
    except (TypeError, ValueError):
        return False


__all__ = [
    "AmazonError",
    "AmazonMalformedResponse",
    "AmazonResponseError",
    "AmazonSignatureError",
    "AmazonUnavailable",
    "CbuiReturn",
    "FpsClient",
    "PayResult",
    "aws_quote",
    "canonical_query_string",
    "cbui_parameters",
    "cbui_url",
    "parse_cbui_return",
    "parse_pay_response",
    "pay_parameters",
    "sign",
    "sign_fps_parameters",
    "signature_is_valid",
    "string_to_sign",
]
