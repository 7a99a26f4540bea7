"""What Amazon sends the store: the shopper's CBUI returns and Instant Payment Notifications.

Both are signed by Amazon, not with our secret: RSA-SHA1 with Amazon's private key, with
``signatureMethod=RSA-SHA1``, ``signatureVersion=2`` and the ``certificateUrl`` of Amazon's
public certificate among the signed parameters. The string signed is Signature Version 2's
(``GET`` and the return URL for a return, ``POST`` and the IPN URL for an IPN). The store
checks the signature by asking FPS (``VerifySignature``, in the client) after refusing any
certificateUrl that is not on an Amazon host (:func:`certificate_url_allowed`); the parsers
here only read messages whose signature was verified.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from ...exceptions import MalformedMessage
from .errors import AmazonSignatureError
from .protocol import CANCELLED, FAILURE, MAX_TOKEN_LENGTH, OUTBOUND_SIGNATURE_METHOD, PENDING, RESERVED, SUCCESS

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


@dataclass(frozen=True)
class OutboundSignature:
    """The signature fields Amazon puts on a return or IPN."""

    signature: str
    certificate_url: str


def outbound_signature(params) -> OutboundSignature:
    """The signature fields of a message Amazon signed; :class:`AmazonSignatureError` when absent or not RSA-SHA1/2."""
    if params.get("signatureMethod") != OUTBOUND_SIGNATURE_METHOD or params.get("signatureVersion") != "2":
        raise AmazonSignatureError("The message is not signed with Signature Version 2 / RSA-SHA1.")
    signature, certificate_url = params.get("signature", ""), params.get("certificateUrl", "")
    if not signature or not certificate_url:
        raise AmazonSignatureError("The message has no signature or certificateUrl.")
    return OutboundSignature(signature=signature, certificate_url=certificate_url)


def certificate_url_allowed(url, allowed_hosts, *service_urls) -> bool:
    """True when ``url`` is an https URL on one of ``allowed_hosts``, or on the scheme and host of
    one of ``service_urls`` (the FPS endpoint and CBUI page the store itself uses).

    Amazon's certificates live on its FPS hosts; a certificateUrl anywhere else is a forgery
    (FPS would be asked to trust a key the sender chose).
    """
    parts = urlsplit(str(url))
    hosts = {host.lower() for host in allowed_hosts}
    if parts.scheme == "https" and parts.hostname and parts.hostname.lower() in hosts and not parts.port:
        return True
    origin = (parts.scheme, parts.netloc.lower())
    return any(
        urlsplit(service).netloc and origin == (urlsplit(service).scheme, urlsplit(service).netloc.lower())
        for service in service_urls
    )


def parse_cbui_return(params) -> CbuiReturn:
    """Read the parameters Amazon added to the return URL of a single-use payment.

    Call it once the signature was verified (``VerifySignature``). Raises
    :class:`AmazonSignatureError` when the return lacks what a genuine return carries.
    """
    outbound_signature(params)
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


#: IPN ``transactionStatus`` values and the FPS TransactionStatus each means.
IPN_STATUSES = {
    "SUCCESS": SUCCESS,
    "PENDING": PENDING,
    "RESERVED": RESERVED,
    "FAILURE": FAILURE,
    "CANCELLED": CANCELLED,
}


@dataclass(frozen=True)
class Ipn:
    """An Instant Payment Notification of a transaction's status (``notificationType=TransactionStatus``).

    ``status`` is the FPS TransactionStatus (Success, Pending, Reserved, Failure, Cancelled);
    ``operation`` what the transaction was (PAY, REFUND, SETTLE, FUND_PREPAID, WRITE_OFF_DEBT…).
    """

    notification_type: str
    transaction_id: str
    status: str
    caller_reference: str
    operation: str = ""
    amount: str = ""

    @property
    def idempotency_key(self):
        """One key per transaction and status: the same news twice is applied once."""
        return f"ipn:{self.transaction_id}:{self.status}"[:128]


def parse_ipn(params) -> Ipn:
    """Read an IPN whose signature was verified; :class:`MalformedMessage` (400) when it is not a status IPN."""
    outbound_signature(params)
    kind = params.get("notificationType", "")
    if kind != "TransactionStatus":
        raise MalformedMessage(f"Notifications of type {kind or '(none)'} are not handled.")
    status = IPN_STATUSES.get(params.get("transactionStatus", "").upper())
    transaction_id, reference = params.get("transactionId", ""), params.get("callerReference", "")
    if status is None or not transaction_id or not reference:
        raise MalformedMessage("The IPN lacks a known transactionStatus, its transactionId or callerReference.")
    if len(transaction_id) > MAX_TOKEN_LENGTH or len(reference) > MAX_TOKEN_LENGTH:
        raise MalformedMessage("The IPN's transactionId or callerReference is too long.")
    return Ipn(
        notification_type=kind,
        transaction_id=transaction_id,
        status=status,
        caller_reference=reference,
        operation=params.get("operation", ""),
        amount=params.get("transactionAmount", ""),
    )


__all__ = [
    "CBUI_FAILURE_STATUSES",
    "CBUI_SUCCESS_STATUSES",
    "IPN_STATUSES",
    "CbuiReturn",
    "Ipn",
    "OutboundSignature",
    "certificate_url_allowed",
    "outbound_signature",
    "parse_cbui_return",
    "parse_ipn",
]
