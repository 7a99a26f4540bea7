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
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.apps import apps
from django.contrib import messages
from django.core import checks
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.views import View
from lxml import etree

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.models import Order

from .. import xml as safe_xml
from ..exceptions import GatewayError, PaymentError
from ..models import EventOutcome, PaymentTransaction, TransactionKind, TransactionStatus
from ..services import apply_once, log_rejected, move_order
from .base import PaymentProcessor

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
# Longest tokenID / callerReference we store (Amazon's tokens are 65 characters).
MAX_TOKEN_LENGTH = 255
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
    AUTH_CODES = frozenset({"SignatureDoesNotMatch", "InvalidAccessKeyId", "AuthFailure", "IncompleteSignature"})
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

    def call(self, action, make_params, caller_reference):
        """Send a signed request built by ``make_params()`` (fresh Timestamp on each attempt).

        A network failure is retried (up to ``attempts`` times) with the same CallerReference
        and parameters, which FPS answers with the original transaction instead of a second
        one. Raises :class:`AmazonResponseError` when FPS refuses the request.
        """
        last_error = None
        for _attempt in range(max(1, self.attempts)):
            body = encode_form(sign_fps_parameters(self.endpoint, make_params(), self.secret_key, method="POST"))
            try:
                return parse_transaction_response(self.transport(self.endpoint, body, timeout=self.timeout), action)
            except AmazonUnavailable as exc:
                logger.warning(
                    "FPS %s %s failed, retrying with the same CallerReference: %s",
                    action,
                    caller_reference,
                    exc,
                )
                last_error = exc
        raise last_error

    def pay(self, *, sender_token_id, amount, caller_reference, currency="USD") -> PayResult:
        """Charge ``amount`` to the shopper's token (``Pay``), retrying safely."""
        return self.call(
            "Pay",
            lambda: pay_parameters(
                access_key=self.access_key,
                sender_token_id=sender_token_id,
                amount=amount,
                caller_reference=caller_reference,
                currency=currency,
            ),
            caller_reference,
        )

    def refund(self, *, transaction_id, amount, caller_reference, currency="USD") -> PayResult:
        """Refund ``amount`` of a completed Pay transaction (``Refund``), retrying safely."""
        return self.call(
            "Refund",
            lambda: refund_parameters(
                access_key=self.access_key,
                transaction_id=transaction_id,
                amount=amount,
                caller_reference=caller_reference,
                currency=currency,
            ),
            caller_reference,
        )


def encode_form(params) -> str:
    """``params`` as an ``application/x-www-form-urlencoded`` body."""
    return urlencode(sorted(params.items()))


def amounts_match(expected, value) -> bool:
    """True when ``value`` (a string from the wire) is the same amount of money as ``expected``."""
    try:
        return to_money(value) == to_money(expected)
    except (TypeError, ValueError):
        return False


# --- the processor ---------------------------------------------------------------------

#: Where the FPS client "sends" requests when no real endpoint is configured: the URL only
#: enters the signed string; the request is handed to the gateway sandbox in-process.
SANDBOX_FPS_ENDPOINT = "http://fps.sandbox.in-process/sandbox/amazon/fps/"


def sandbox_transport(url, body, *, timeout):
    """Hand an FPS request to this site's gateway sandbox in-process (dev and test)."""
    if not apps.is_installed("coleman.payments.sandbox"):
        raise AmazonUnavailable("COLEMAN_AMAZON_FPS_ENDPOINT is empty and the gateway sandbox is not installed.")
    from coleman.payments.sandbox import amazon as sandbox

    host, path_ = split_endpoint(url)
    params = dict(parse_qsl(body if isinstance(body, str) else body.decode("utf-8"), keep_blank_values=True))
    return sandbox.handle_fps_request("POST", host, path_, params).content


def _remote_addr(request):
    return request.META.get("REMOTE_ADDR") or None


class AmazonFPS(PaymentProcessor):
    """Amazon Payments (FPS Co-Branded UI): authorise on Amazon's page, charge with ``Pay``."""

    name = "amazon"
    verbose_name = "Amazon Payments"
    settings_prefix = "AMAZON_"

    # --- configuration -----------------------------------------------------------------

    def check(self):
        """Missing keys, or sandbox endpoints where the settings require live ones."""
        errors = []
        if not self.setting("ACCESS_KEY") or not self.setting("SECRET_KEY"):
            errors.append(
                checks.Error("COLEMAN_AMAZON_ACCESS_KEY and COLEMAN_AMAZON_SECRET_KEY must be set.", id="coleman.E140")
            )
        endpoints = [self.setting("CBUI_ENDPOINT"), self.setting("FPS_ENDPOINT")]
        if coleman_settings.PAYMENTS_REQUIRE_LIVE_ENDPOINTS and any(not url or "sandbox" in url for url in endpoints):
            errors.append(
                checks.Error(
                    "Amazon FPS points at a sandbox endpoint in settings that require live endpoints.",
                    hint="Set COLEMAN_AMAZON_CBUI_ENDPOINT and COLEMAN_AMAZON_FPS_ENDPOINT to Amazon's URLs.",
                    id="coleman.E141",
                )
            )
        return errors

    def cbui_endpoint(self, request):
        """The CBUI start page: the configured one, or this site's sandbox page."""
        return self.setting("CBUI_ENDPOINT") or request.build_absolute_uri(reverse("sandbox:amazon-cbui"))

    def fps_client(self, transport=None):
        """A client for the FPS API (the configured endpoint, or the sandbox in-process)."""
        endpoint = self.setting("FPS_ENDPOINT")
        return FpsClient(
            endpoint=endpoint or SANDBOX_FPS_ENDPOINT,
            access_key=self.setting("ACCESS_KEY"),
            secret_key=self.setting("SECRET_KEY"),
            transport=transport or (requests_transport if endpoint else sandbox_transport),
            timeout=coleman_settings.PAYMENTS_HTTP_TIMEOUT,
        )

    def get_urls(self):
        """``/payments/amazon/return/``: where Amazon sends the shopper back."""
        return [path("return/", AmazonReturnView.as_view(processor=self), name="return")]

    # --- checkout ----------------------------------------------------------------------

    def pay_reference(self, order):
        """The CallerReference of the order's Pay request (the same on every retry)."""
        return f"{order.number}-pay"

    def cbui_request_url(self, request, order):
        """The signed CBUI URL for ``order`` (callerReference = the order number)."""
        params = cbui_parameters(
            access_key=self.setting("ACCESS_KEY"),
            caller_reference=order.number,
            amount=order.total,
            reason=f"Purchase from {coleman_settings.STORE_NAME}, order {order.number}",
            return_url=self.absolute_url(request, "return"),
            currency=order.currency,
        )
        return cbui_url(self.cbui_endpoint(request), params, self.setting("SECRET_KEY"))

    def get_checkout_response(self, request, order):
        """Send the shopper to Amazon's Co-Branded UI to authorise the order's total."""
        return HttpResponseRedirect(self.cbui_request_url(request, order))

    # --- the return ----------------------------------------------------------------------

    def record_authorization(self, order, result, raw):
        """Store the token and status Amazon returned; an authorisation moves the order to NEW_CHKOUT."""
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.AUTHORIZE,
            reference=order.number,
            defaults={"order": order, "amount": order.total, "currency": order.currency},
        )
        if txn.status == TransactionStatus.SUCCEEDED and not result.succeeded:
            return (
                EventOutcome.IGNORED,
                "The order already has an authorisation; a later decline changes nothing.",
            )
        txn.token = result.token_id
        txn.status = TransactionStatus.SUCCEEDED if result.succeeded else TransactionStatus.DECLINED
        txn.message = f"CBUI status {result.status}: {result.message}"
        txn.raw_response = raw
        txn.save()
        if not result.succeeded:
            return EventOutcome.APPLIED, f"Amazon did not authorise the payment (status {result.status})."
        move_order(order, "NEW_CHKOUT", processor=self.name, note=f"Amazon authorised the payment ({result.status}).")
        return EventOutcome.APPLIED, f"Amazon authorised the payment (status {result.status})."

    # --- the pipeline ----------------------------------------------------------------------

    def charge(self, order, amount=None):
        """Charge the authorised token with FPS ``Pay``; safe to call again (same CallerReference).

        The amount of the first attempt is stored and re-sent on every retry, so FPS treats a
        retry as the same request. A completed charge moves the order to PAID.
        """
        auth = PaymentTransaction.objects.filter(
            processor=self.name,
            kind=TransactionKind.AUTHORIZE,
            reference=order.number,
            status=TransactionStatus.SUCCEEDED,
        ).first()
        if auth is None or not auth.token:
            raise GatewayError("Amazon has not authorised a payment for this order.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.CHARGE,
            reference=self.pay_reference(order),
            defaults={
                "order": order,
                "amount": to_money(order.total if amount is None else amount),
                "currency": order.currency,
            },
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        try:
            result = self.fps_client().pay(
                sender_token_id=auth.token,
                amount=txn.amount,
                caller_reference=txn.reference,
                currency=txn.currency,
            )
        except AmazonResponseError as exc:
            txn.status = TransactionStatus.DECLINED if exc.is_token_failure else TransactionStatus.FAILED
            txn.message = f"{exc.code}: {exc.message}"
            txn.save(update_fields=["status", "message", "updated_at"])
            raise GatewayError(f"Amazon refused the payment: {exc.message}") from exc
        except (AmazonUnavailable, AmazonMalformedResponse) as exc:
            txn.message = f"Not charged yet: {exc}"
            txn.save(update_fields=["message", "updated_at"])
            raise GatewayError("Amazon could not be reached; the charge can be retried safely.") from exc
        txn.remote_id = result.transaction_id
        txn.raw_response = result.raw
        if result.succeeded:
            txn.status = TransactionStatus.SUCCEEDED
        elif result.pending:
            txn.status = TransactionStatus.PENDING
        else:
            txn.status = TransactionStatus.FAILED
        txn.message = f"FPS Pay {result.status}"
        txn.save()
        if txn.status == TransactionStatus.FAILED:
            raise GatewayError(f"Amazon answered the payment with status {result.status}.")
        if txn.status == TransactionStatus.SUCCEEDED:
            move_order(order, "PAID", processor=self.name, note=f"Amazon FPS Pay {result.transaction_id} succeeded.")
        return txn

    def refund(self, order, amount=None, reason=""):
        """Refund the order's completed charge with FPS ``Refund`` (full by default); safe to repeat."""
        charge = PaymentTransaction.objects.filter(
            processor=self.name,
            kind=TransactionKind.CHARGE,
            reference=self.pay_reference(order),
            status=TransactionStatus.SUCCEEDED,
        ).first()
        if charge is None or not charge.remote_id:
            raise GatewayError("This order has no completed Amazon payment to refund.")
        refund_amount = to_money(charge.amount if amount is None else amount)
        if not 0 < refund_amount <= charge.amount:
            raise GatewayError(f"A refund must be more than 0 and at most {charge.amount}.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.REFUND,
            reference=f"{order.number}-refund",
            defaults={
                "order": order,
                "amount": refund_amount,
                "currency": charge.currency,
                "message": reason,
            },
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        try:
            result = self.fps_client().refund(
                transaction_id=charge.remote_id,
                amount=txn.amount,
                caller_reference=txn.reference,
                currency=txn.currency,
            )
        except AmazonResponseError as exc:
            txn.status = TransactionStatus.FAILED
            txn.message = f"{exc.code}: {exc.message}"
            txn.save(update_fields=["status", "message", "updated_at"])
            raise GatewayError(f"Amazon refused the refund: {exc.message}") from exc
        except (AmazonUnavailable, AmazonMalformedResponse) as exc:
            txn.message = f"Not refunded yet: {exc}"
            txn.save(update_fields=["message", "updated_at"])
            raise GatewayError("Amazon could not be reached; the refund can be retried safely.") from exc
        txn.remote_id = result.transaction_id
        txn.status = TransactionStatus.SUCCEEDED if result.succeeded else TransactionStatus.PENDING
        txn.raw_response = result.raw
        txn.save()
        return txn


class AmazonReturnView(View):
    """Where Amazon sends the shopper back: verify the signature, store the token, charge, report."""

    processor = None
    http_method_names = ["get"]
    error_template_name = "payments/amazon/return_error.html"

    def refuse(self, request, message, status, *, order=None, authenticated=False):
        """Log the refused return and answer a 4xx page."""
        log_rejected(
            self.processor.name,
            "cbui-return",
            request.META.get("QUERY_STRING", ""),
            message,
            remote_addr=_remote_addr(request),
            order=order,
            authenticated=authenticated,
        )
        return render(request, self.error_template_name, {"error": message}, status=status)

    def get(self, request):
        """Handle one return from the Co-Branded UI."""
        processor = self.processor
        raw = request.META.get("QUERY_STRING", "")
        try:
            result = parse_cbui_return(
                request.GET.dict(),
                secret_key=processor.setting("SECRET_KEY"),
                return_url=processor.absolute_url(request, "return"),
            )
        except AmazonSignatureError as exc:
            return self.refuse(request, f"This payment return could not be verified: {exc}", 403)
        order = Order.objects.filter(number=result.caller_reference).first()
        if order is None:
            return self.refuse(request, "This payment return names no order of ours.", 400, authenticated=True)
        digest = hashlib.sha256(f"{result.status}|{result.token_id}".encode()).hexdigest()[:40]
        apply_once(
            processor=processor.name,
            key=f"return:{order.number}:{digest}",
            kind="cbui-return",
            body=raw,
            parsed={
                "status": result.status,
                "callerReference": result.caller_reference,
                "tokenID": result.token_id,
            },
            order=order,
            apply=lambda event: processor.record_authorization(order, result, raw),
            remote_addr=_remote_addr(request),
        )
        if not result.succeeded:
            messages.error(request, f"{result.message} Your order {order.number} is saved but not paid.")
        elif processor.setting("PAY_ON_RETURN"):
            try:
                processor.charge(order)
            except PaymentError as exc:
                messages.warning(
                    request,
                    f"Amazon authorised your payment for order {order.number}, but we could not "
                    f"charge it yet ({exc}). We will try again; you do not need to pay twice.",
                )
            else:
                messages.success(request, f"Thank you! Amazon accepted your payment for order {order.number}.")
        else:
            messages.success(
                request,
                f"Thank you! Amazon authorised your payment for order {order.number}; "
                "it is charged when your order ships.",
            )
        return HttpResponseRedirect(order.get_absolute_url())


__all__ = [
    "AmazonFPS",
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
