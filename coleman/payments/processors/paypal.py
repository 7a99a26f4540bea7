"""PayPal Express Checkout over the Name-Value Pair (NVP) API, and Instant Payment Notification.

The protocol, as PayPal documented it (NVP API version 124.0):

1. ``SetExpressCheckout`` with the order's amounts, lines, our order number (``INVNUM``),
   ``RETURNURL`` and ``CANCELURL`` answers a ``TOKEN``; the shopper's browser is redirected
   to PayPal's approval page with that token.
2. PayPal sends the shopper back to ``RETURNURL?token=…&PayerID=…`` (or to ``CANCELURL``).
3. ``GetExpressCheckoutDetails`` tells us who paid for which invoice and how much; the shopper
   confirms on our page ("Place order") and ``DoExpressCheckoutPayment`` takes the money.
4. PayPal later posts an IPN to ``NOTIFYURL``; we post it back verbatim with
   ``cmd=_notify-validate`` and PayPal answers ``VERIFIED`` or ``INVALID``.

Every API call carries the merchant's ``USER``/``PWD``/``SIGNATURE`` and is an HTTPS POST of
an ``application/x-www-form-urlencoded`` body; the answer is a body of the same form with
``ACK`` = ``Success`` / ``SuccessWithWarning`` / ``Failure`` / ``FailureWithWarning``.
This module holds the protocol as pure functions and a small client.
"""

import hmac
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.contrib import messages
from django.core import checks
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.models import Order

from ..exceptions import GatewayError, NotSupported
from ..models import EventOutcome, PaymentEvent, PaymentTransaction, TransactionKind, TransactionStatus
from ..services import apply_once, flag_order, log_rejected, move_order
from .base import PaymentProcessor

logger = logging.getLogger(__name__)

NVP_VERSION = "124.0"
ACK_SUCCESS = frozenset({"Success", "SuccessWithWarning"})
# An NVP answer or IPN is a few kilobytes; refuse anything absurd before parsing it.
MAX_NVP_BYTES = 64 * 1024
# PayPal's own error code for "this token was already paid" (a repeated DoExpressCheckoutPayment).
ERROR_ALREADY_COMPLETED = "10415"


# --- errors ----------------------------------------------------------------------------


class PayPalError(Exception):
    """Base class of every PayPal failure."""


class PayPalMalformed(PayPalError):
    """A body that is not a well-formed NVP message (or is too large)."""


class PayPalApiError(PayPalError):
    """PayPal answered ``ACK=Failure``; ``errors`` lists ``(code, short, long)`` as sent."""

    AUTH_CODES = frozenset({"10002", "10008"})

    def __init__(self, method, errors, correlation_id=""):
        first = errors[0] if errors else ("", "Unknown error", "")
        super().__init__(f"{method} failed: {first[0]} {first[1]}".strip())
        self.method = method
        self.errors = errors
        self.correlation_id = correlation_id

    @property
    def codes(self):
        """The error codes PayPal returned."""
        return [code for code, _short, _long in self.errors]

    @property
    def is_auth_failure(self):
        """True when PayPal refused our API credentials (a configuration problem)."""
        return any(code in self.AUTH_CODES for code in self.codes)

    @property
    def already_completed(self):
        """True when the token was already paid (a repeated DoExpressCheckoutPayment)."""
        return ERROR_ALREADY_COMPLETED in self.codes


class PayPalUnavailable(PayPalError):
    """PayPal could not be reached or answered something that is not NVP."""


# --- NVP encoding -----------------------------------------------------------------------


def encode_nvp(params) -> str:
    """``params`` as an NVP body (form encoding, UTF-8, order kept)."""
    return urlencode([(name, str(value)) for name, value in params.items()])


def decode_nvp(body) -> dict:
    """An NVP body as a dict of str; a repeated name or a malformed pair raises :class:`PayPalMalformed`."""
    if isinstance(body, bytes):
        if len(body) > MAX_NVP_BYTES:
            raise PayPalMalformed("The NVP message is too large.")
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayPalMalformed("The NVP message is not UTF-8.") from exc
    if len(body) > MAX_NVP_BYTES:
        raise PayPalMalformed("The NVP message is too large.")
    try:
        pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=bool(body), max_num_fields=500)
    except ValueError as exc:
        raise PayPalMalformed(f"Not an NVP message: {exc}") from exc
    decoded = {}
    for name, value in pairs:
        if name in decoded:
            raise PayPalMalformed(f"The NVP field {name} appears twice.")
        decoded[name] = value
    return decoded


def format_amount(amount) -> str:
    """An amount as PayPal expects it: a plain decimal with two places."""
    return str(to_money(amount))


def amounts_match(expected, value) -> bool:
    """True when ``value`` (a string from the wire) is the same amount of money as ``expected``."""
    try:
        return to_money(value) == to_money(expected)
    except (TypeError, ValueError):
        return False


def api_errors(response) -> list:
    """``[(code, short message, long message), …]`` from the ``L_ERRORCODEn`` fields of an answer."""
    errors = []
    index = 0
    while f"L_ERRORCODE{index}" in response:
        errors.append(
            (
                response[f"L_ERRORCODE{index}"],
                response.get(f"L_SHORTMESSAGE{index}", ""),
                response.get(f"L_LONGMESSAGE{index}", ""),
            )
        )
        index += 1
    return errors


# --- building the calls -----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentLine:
    """One order line as PayPal shows it to the buyer."""

    name: str
    number: str
    quantity: int
    unit_price: object


@dataclass(frozen=True)
class PaymentRequest:
    """The order as ``SetExpressCheckout`` describes it (amounts are Decimals)."""

    invoice: str
    currency: str
    item_amount: object
    shipping_amount: object
    total: object
    lines: list = field(default_factory=list)
    description: str = ""


def set_express_checkout_params(payment, *, return_url, cancel_url, notify_url="") -> dict:
    """The fields of ``SetExpressCheckout`` for ``payment`` (a :class:`PaymentRequest`)."""
    params = {
        "METHOD": "SetExpressCheckout",
        "RETURNURL": return_url,
        "CANCELURL": cancel_url,
        "NOSHIPPING": "1",
        "PAYMENTREQUEST_0_PAYMENTACTION": "Sale",
        "PAYMENTREQUEST_0_AMT": format_amount(payment.total),
        "PAYMENTREQUEST_0_CURRENCYCODE": payment.currency,
        "PAYMENTREQUEST_0_ITEMAMT": format_amount(payment.item_amount),
        "PAYMENTREQUEST_0_SHIPPINGAMT": format_amount(payment.shipping_amount),
        "PAYMENTREQUEST_0_INVNUM": payment.invoice,
    }
    if payment.description:
        params["PAYMENTREQUEST_0_DESC"] = payment.description[:127]
    if notify_url:
        params["PAYMENTREQUEST_0_NOTIFYURL"] = notify_url
    for index, line in enumerate(payment.lines):
        params[f"L_PAYMENTREQUEST_0_NAME{index}"] = line.name[:127]
        params[f"L_PAYMENTREQUEST_0_NUMBER{index}"] = line.number[:127]
        params[f"L_PAYMENTREQUEST_0_QTY{index}"] = str(line.quantity)
        params[f"L_PAYMENTREQUEST_0_AMT{index}"] = format_amount(line.unit_price)
    return params


def do_express_checkout_payment_params(*, token, payer_id, payment, notify_url="") -> dict:
    """The fields of ``DoExpressCheckoutPayment`` (amounts again from our order, never from the buyer)."""
    params = {
        "METHOD": "DoExpressCheckoutPayment",
        "TOKEN": token,
        "PAYERID": payer_id,
        "PAYMENTREQUEST_0_PAYMENTACTION": "Sale",
        "PAYMENTREQUEST_0_AMT": format_amount(payment.total),
        "PAYMENTREQUEST_0_CURRENCYCODE": payment.currency,
        "PAYMENTREQUEST_0_INVNUM": payment.invoice,
    }
    if notify_url:
        params["PAYMENTREQUEST_0_NOTIFYURL"] = notify_url
    return params


def approval_url(base_url, token) -> str:
    """The PayPal page where the buyer approves the payment identified by ``token``."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}{urlencode({'cmd': '_express-checkout', 'token': token})}"


@dataclass(frozen=True)
class CheckoutDetails:
    """What ``GetExpressCheckoutDetails`` says about a token."""

    token: str
    payer_id: str
    email: str
    payer_name: str
    invoice: str
    amount: str
    currency: str
    checkout_status: str

    @classmethod
    def from_response(cls, response):
        """Read the fields we use from a decoded answer."""
        return cls(
            token=response.get("TOKEN", ""),
            payer_id=response.get("PAYERID", ""),
            email=response.get("EMAIL", ""),
            payer_name=" ".join(filter(None, [response.get("FIRSTNAME", ""), response.get("LASTNAME", "")])),
            invoice=response.get("PAYMENTREQUEST_0_INVNUM", ""),
            amount=response.get("PAYMENTREQUEST_0_AMT", ""),
            currency=response.get("PAYMENTREQUEST_0_CURRENCYCODE", ""),
            checkout_status=response.get("CHECKOUTSTATUS", ""),
        )

    @property
    def approved(self):
        """True when the buyer approved the payment on PayPal (a PayerID exists)."""
        return bool(self.payer_id)


@dataclass(frozen=True)
class PaymentResult:
    """What ``DoExpressCheckoutPayment`` answered."""

    transaction_id: str
    status: str
    amount: str
    currency: str
    raw: str = ""

    @classmethod
    def from_response(cls, response):
        """Read the fields we use from a decoded answer (``raw`` keeps the whole answer)."""
        return cls(
            transaction_id=response.get("PAYMENTINFO_0_TRANSACTIONID", ""),
            status=response.get("PAYMENTINFO_0_PAYMENTSTATUS", ""),
            amount=response.get("PAYMENTINFO_0_AMT", ""),
            currency=response.get("PAYMENTINFO_0_CURRENCYCODE", ""),
            raw=encode_nvp(response),
        )

    @property
    def completed(self):
        """True when the money has been taken."""
        return self.status == "Completed"


# --- the client -------------------------------------------------------------------------


def requests_transport(url, body, *, timeout):
    """POST ``body`` (form-encoded) to ``url`` with requests; return the response body bytes."""
    import requests

    try:
        response = requests.post(
            url,
            data=body.encode("utf-8") if isinstance(body, str) else body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=timeout,
        )
        response.raise_for_status()
    except requests.RequestException as exc:
        raise PayPalUnavailable(f"PayPal could not be reached: {exc}") from exc
    return response.content


@dataclass
class NvpClient:
    """Calls the NVP API at ``endpoint`` with the merchant's API credentials.

    ``transport(url, body, timeout=…) -> bytes`` does the HTTP POST; tests pass their own.
    """

    endpoint: str
    user: str
    password: str
    signature: str
    transport: object = requests_transport
    timeout: float = 15.0

    def call(self, params) -> dict:
        """Send one API call; return the decoded answer or raise :class:`PayPalApiError`."""
        method = params.get("METHOD", "?")
        body = encode_nvp(
            {
                "USER": self.user,
                "PWD": self.password,
                "SIGNATURE": self.signature,
                "VERSION": NVP_VERSION,
                **params,
            }
        )
        raw = self.transport(self.endpoint, body, timeout=self.timeout)
        try:
            response = decode_nvp(raw)
        except PayPalMalformed as exc:
            raise PayPalUnavailable(f"PayPal answered {method} with something that is not NVP.") from exc
        if response.get("ACK") not in ACK_SUCCESS:
            if "ACK" not in response:
                raise PayPalUnavailable(f"PayPal answered {method} without an ACK.")
            raise PayPalApiError(method, api_errors(response), response.get("CORRELATIONID", ""))
        return response

    def set_express_checkout(self, payment, *, return_url, cancel_url, notify_url="") -> str:
        """Start a checkout for ``payment``; return PayPal's token."""
        response = self.call(
            set_express_checkout_params(payment, return_url=return_url, cancel_url=cancel_url, notify_url=notify_url)
        )
        token = response.get("TOKEN", "")
        if not token:
            raise PayPalUnavailable("SetExpressCheckout answered without a TOKEN.")
        return token

    def get_express_checkout_details(self, token) -> CheckoutDetails:
        """The buyer and amounts PayPal holds for ``token``."""
        return CheckoutDetails.from_response(self.call({"METHOD": "GetExpressCheckoutDetails", "TOKEN": token}))

    def do_express_checkout_payment(self, *, token, payer_id, payment, notify_url="") -> PaymentResult:
        """Take the payment the buyer approved."""
        response = self.call(
            do_express_checkout_payment_params(token=token, payer_id=payer_id, payment=payment, notify_url=notify_url)
        )
        return PaymentResult.from_response(response)

    def refund_transaction(self, transaction_id) -> dict:
        """Refund a completed transaction in full; return the decoded answer."""
        return self.call({"METHOD": "RefundTransaction", "TRANSACTIONID": transaction_id, "REFUNDTYPE": "Full"})


# --- Instant Payment Notification -------------------------------------------------------


def verify_ipn(raw_body, *, postback_url, transport=requests_transport, timeout=15.0) -> bool:
    """Ask PayPal whether ``raw_body`` is an IPN it sent: post it back with ``cmd=_notify-validate``.

    The message is posted back byte for byte (PayPal compares it verbatim). Returns True for
    ``VERIFIED``, False for ``INVALID``; anything else raises :class:`PayPalUnavailable`.
    """
    if isinstance(raw_body, str):
        raw_body = raw_body.encode("utf-8")
    answer = transport(postback_url, b"cmd=_notify-validate&" + raw_body, timeout=timeout)
    answer = (answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)).strip()
    if answer == "VERIFIED":
        return True
    if answer == "INVALID":
        return False
    raise PayPalUnavailable(f"PayPal answered the IPN post-back with {answer[:40]!r}.")


@dataclass(frozen=True)
class Ipn:
    """The fields of an IPN we act on."""

    txn_id: str
    txn_type: str
    payment_status: str
    invoice: str
    gross: str
    currency: str
    receiver_email: str
    parent_txn_id: str = ""

    @classmethod
    def from_params(cls, params):
        """Read an IPN from its decoded form fields."""
        return cls(
            txn_id=params.get("txn_id", ""),
            txn_type=params.get("txn_type", ""),
            payment_status=params.get("payment_status", ""),
            invoice=params.get("invoice", ""),
            gross=params.get("mc_gross", ""),
            currency=params.get("mc_currency", ""),
            receiver_email=params.get("receiver_email", ""),
            parent_txn_id=params.get("parent_txn_id", ""),
        )

    def mismatches(self, *, amount, currency, receiver_email):
        """The reasons this IPN does not match our order (empty when it matches)."""
        problems = []
        if not amounts_match(amount, self.gross):
            problems.append(f"amount {self.gross!r} is not {format_amount(amount)}")
        if self.currency != currency:
            problems.append(f"currency {self.currency!r} is not {currency}")
        if receiver_email and self.receiver_email.casefold() != receiver_email.casefold():
            problems.append(f"receiver {self.receiver_email!r} is not our account")
        return problems


# --- the processor ---------------------------------------------------------------------

#: Where the NVP client and the IPN post-back go when no real endpoint is configured: the
#: request is handed to the gateway sandbox in-process.
SANDBOX_NVP_ENDPOINT = "sandbox:in-process/nvp"
SANDBOX_POSTBACK_URL = "sandbox:in-process/ipn-verify"


def sandbox_transport(url, body, *, timeout):
    """Hand an NVP call or an IPN post-back to this site's gateway sandbox in-process."""
    if not apps.is_installed("coleman.payments.sandbox"):
        raise PayPalUnavailable("The PayPal endpoints are empty and the gateway sandbox is not installed.")
    from coleman.payments.sandbox import paypal as sandbox

    body = body.encode("utf-8") if isinstance(body, str) else body
    if url == SANDBOX_POSTBACK_URL:
        return sandbox.ipn_postback_answer(body).encode("ascii")
    return sandbox.handle_nvp_request(body).content


def _remote_addr(request):
    return request.META.get("REMOTE_ADDR") or None


def payment_request_for(order):
    """The :class:`PaymentRequest` of ``order``: its lines, amounts and number as sold."""
    lines = [
        PaymentLine(name=line.name, number=line.sku or "", quantity=line.quantity, unit_price=line.unit_price)
        for line in order.lines.all()
    ]
    return PaymentRequest(
        invoice=order.number,
        currency=order.currency,
        item_amount=order.subtotal,
        shipping_amount=order.shipping,
        total=order.total,
        lines=lines,
        description=f"{coleman_settings.STORE_NAME} order {order.number}",
    )


class PayPalExpressCheckout(PaymentProcessor):
    """PayPal Express Checkout: approve on PayPal, confirm here ("Place order"), IPN confirms."""

    name = "paypal"
    verbose_name = "PayPal"
    settings_prefix = "PAYPAL_"

    # --- configuration -----------------------------------------------------------------

    def check(self):
        """Missing API credentials, or sandbox endpoints where the settings require live ones."""
        errors = []
        if not all(self.setting(name) for name in ("API_USER", "API_PASSWORD", "API_SIGNATURE", "RECEIVER_EMAIL")):
            errors.append(
                checks.Error(
                    "COLEMAN_PAYPAL_API_USER, _API_PASSWORD, _API_SIGNATURE and _RECEIVER_EMAIL must be set.",
                    id="coleman.E150",
                )
            )
        endpoints = [self.setting(name) for name in ("NVP_ENDPOINT", "APPROVAL_URL", "IPN_POSTBACK_URL")]
        if coleman_settings.PAYMENTS_REQUIRE_LIVE_ENDPOINTS and any(not url or "sandbox" in url for url in endpoints):
            errors.append(
                checks.Error(
                    "PayPal points at a sandbox endpoint in settings that require live endpoints.",
                    hint="Set COLEMAN_PAYPAL_NVP_ENDPOINT, _APPROVAL_URL and _IPN_POSTBACK_URL to PayPal's.",
                    id="coleman.E151",
                )
            )
        return errors

    def client(self, transport=None):
        """An NVP client (the configured endpoint, or the sandbox in-process)."""
        endpoint = self.setting("NVP_ENDPOINT")
        return NvpClient(
            endpoint=endpoint or SANDBOX_NVP_ENDPOINT,
            user=self.setting("API_USER"),
            password=self.setting("API_PASSWORD"),
            signature=self.setting("API_SIGNATURE"),
            transport=transport or (requests_transport if endpoint else sandbox_transport),
            timeout=coleman_settings.PAYMENTS_HTTP_TIMEOUT,
        )

    def verify_ipn(self, raw_body, transport=None):
        """Post ``raw_body`` back to PayPal (or the sandbox); True when PayPal says VERIFIED."""
        url = self.setting("IPN_POSTBACK_URL")
        return verify_ipn(
            raw_body,
            postback_url=url or SANDBOX_POSTBACK_URL,
            transport=transport or (requests_transport if url else sandbox_transport),
            timeout=coleman_settings.PAYMENTS_HTTP_TIMEOUT,
        )

    def approval_page(self, request):
        """PayPal's approval page: the configured one, or this site's sandbox page."""
        return self.setting("APPROVAL_URL") or request.build_absolute_uri(reverse("sandbox:paypal-webscr"))

    def get_urls(self):
        """Return, confirm ("Place order"), cancel and IPN endpoints under ``/payments/paypal/``."""
        return [
            path("return/", PayPalReturnView.as_view(processor=self), name="return"),
            path("confirm/", PayPalConfirmView.as_view(processor=self), name="confirm"),
            path("cancel/", PayPalCancelView.as_view(processor=self), name="cancel"),
            path("ipn/", PayPalIpnView.as_view(processor=self), name="ipn"),
        ]

    # --- checkout ----------------------------------------------------------------------

    def get_checkout_response(self, request, order):
        """``SetExpressCheckout`` for the saved order, then redirect to the approval page."""
        try:
            token = self.client().set_express_checkout(
                payment_request_for(order),
                return_url=self.absolute_url(request, "return"),
                cancel_url=self.absolute_url(request, "cancel"),
                notify_url=self.absolute_url(request, "ipn"),
            )
        except PayPalError as exc:
            logger.warning("PayPal SetExpressCheckout failed for order %s: %s", order.number, exc)
            messages.error(
                request,
                f"PayPal is not available right now. Your order {order.number} is saved but not paid; "
                "please try again in a moment.",
                fail_silently=True,
            )
            return HttpResponseRedirect(order.get_absolute_url())
        PaymentTransaction.objects.update_or_create(
            processor=self.name,
            kind=TransactionKind.CHECKOUT,
            reference=order.number,
            defaults={"order": order, "token": token, "amount": order.total, "currency": order.currency},
        )
        return HttpResponseRedirect(approval_url(self.approval_page(request), token))

    def order_for_token(self, token):
        """The order whose checkout carries PayPal ``token``, or None."""
        if not token or len(token) > 255:
            return None
        txn = (
            PaymentTransaction.objects.filter(processor=self.name, kind=TransactionKind.CHECKOUT, token=token)
            .select_related("order")
            .first()
        )
        return txn.order if txn else None

    def is_paid(self, order):
        """True when a PayPal payment for ``order`` has completed."""
        return PaymentTransaction.objects.filter(
            processor=self.name, kind=TransactionKind.CHARGE, order=order, status=TransactionStatus.SUCCEEDED
        ).exists()

    def details_problems(self, order, details):
        """Why PayPal's view of the checkout does not match our order (empty when it matches)."""
        problems = []
        if details.invoice != order.number:
            problems.append(f"invoice {details.invoice!r} is not {order.number}")
        if not amounts_match(order.total, details.amount):
            problems.append(f"amount {details.amount!r} is not {order.total}")
        if details.currency != order.currency:
            problems.append(f"currency {details.currency!r} is not {order.currency}")
        return problems

    def record_payment(self, order, *, transaction_id, status, amount, currency, raw):
        """Store a completed (or pending) payment once per order; a completed one moves the order to PAID.

        Returns ``(outcome, message)`` for the event log. An amount or currency that differs
        from the order flags the order EXCEPTION instead.
        """
        problems = []
        if not amounts_match(order.total, amount):
            problems.append(f"amount {amount!r} is not {order.total}")
        if currency != order.currency:
            problems.append(f"currency {currency!r} is not {order.currency}")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.CHARGE,
            reference=order.number,
            defaults={"order": order, "currency": currency[:3]},
        )
        if txn.status == TransactionStatus.SUCCEEDED and txn.remote_id == transaction_id:
            return EventOutcome.IGNORED, "The payment was already recorded."
        txn.remote_id = transaction_id
        try:
            txn.amount = to_money(amount)
        except ValueError:
            txn.amount = None
        txn.raw_response = raw
        if problems:
            txn.status = TransactionStatus.FAILED
            txn.message = "Does not match the order: " + "; ".join(problems)
            txn.save()
            flag_order(order, f"PayPal payment {transaction_id}: " + "; ".join(problems), processor=self.name)
            return EventOutcome.FLAGGED, txn.message
        completed = status == "Completed"
        txn.status = TransactionStatus.SUCCEEDED if completed else TransactionStatus.PENDING
        txn.message = f"PayPal payment status {status}"
        txn.save()
        if completed:
            move_order(order, "PAID", processor=self.name, note=f"PayPal payment {transaction_id} completed.")
            return EventOutcome.APPLIED, f"Payment {transaction_id} completed."
        return EventOutcome.APPLIED, f"Payment {transaction_id} is {status}."

    # --- the pipeline ----------------------------------------------------------------------

    def refund(self, order, amount=None, reason=""):
        """Refund the order's completed PayPal payment in full (``RefundTransaction``), once."""
        charge = PaymentTransaction.objects.filter(
            processor=self.name, kind=TransactionKind.CHARGE, order=order, status=TransactionStatus.SUCCEEDED
        ).first()
        if charge is None or not charge.remote_id:
            raise GatewayError("This order has no completed PayPal payment to refund.")
        if amount is not None and to_money(amount) != charge.amount:
            raise NotSupported("PayPal refunds from the store are full refunds only.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.REFUND,
            reference=order.number,
            defaults={
                "order": order,
                "amount": charge.amount,
                "currency": charge.currency,
                "message": reason,
            },
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        try:
            response = self.client().refund_transaction(charge.remote_id)
        except PayPalError as exc:
            txn.status = TransactionStatus.FAILED
            txn.message = str(exc)
            txn.save(update_fields=["status", "message", "updated_at"])
            raise GatewayError(f"PayPal refused the refund: {exc}") from exc
        txn.remote_id = response.get("REFUNDTRANSACTIONID", "")
        txn.status = TransactionStatus.SUCCEEDED
        txn.raw_response = encode_nvp(response)
        txn.save()
        return txn


class PayPalViewMixin:
    """Shared bits of the PayPal views."""

    processor = None
    error_template_name = "payments/paypal/error.html"

    def error_page(self, request, message, status):
        """A 4xx page explaining what went wrong."""
        return render(request, self.error_template_name, {"error": message}, status=status)

    def viewable_order(self, request, token):
        """The order of ``token`` if this browser may see it, else None."""
        from coleman.orders.access import can_view

        order = self.processor.order_for_token(token)
        if order is None or not can_view(request, order):
            return None
        return order


class PayPalReturnView(PayPalViewMixin, View):
    """``RETURNURL``: read the checkout from PayPal, then show the confirm page ("Place order")."""

    http_method_names = ["get"]
    template_name = "payments/paypal/confirm.html"

    def get(self, request):
        """Check PayPal's details against our order before offering to place it."""
        processor = self.processor
        token = request.GET.get("token", "")
        payer_id = request.GET.get("PayerID", "")
        order = self.viewable_order(request, token)
        if order is None:
            return self.error_page(request, "This PayPal checkout is unknown or not yours.", 404)
        if processor.is_paid(order):
            messages.info(request, f"Your order {order.number} is already paid.")
            return HttpResponseRedirect(order.get_absolute_url())
        try:
            details = processor.client().get_express_checkout_details(token)
        except PayPalError as exc:
            logger.warning("PayPal GetExpressCheckoutDetails failed for %s: %s", order.number, exc)
            return self.error_page(request, "PayPal could not confirm this checkout; please try again.", 502)
        if not details.approved or not hmac.compare_digest(details.payer_id.encode(), payer_id.encode()):
            return self.error_page(request, "PayPal has not approved this payment.", 400)
        problems = processor.details_problems(order, details)
        if problems:
            flag_order(order, "PayPal checkout does not match: " + "; ".join(problems), processor=processor.name)
            return self.error_page(
                request, f"PayPal's checkout does not match order {order.number}; we will look into it.", 409
            )
        context = {"order": order, "lines": list(order.lines.all()), "details": details, "token": token}
        return render(request, self.template_name, context)


class PayPalConfirmView(PayPalViewMixin, View):
    """POST "Place order": ``DoExpressCheckoutPayment`` for our order's amounts, then the order page."""

    http_method_names = ["post"]

    def post(self, request):
        """Take the payment once; a repeated POST finds it already done."""
        processor = self.processor
        token = request.POST.get("token", "")
        payer_id = request.POST.get("PayerID", "")
        order = self.viewable_order(request, token)
        if order is None:
            return self.error_page(request, "This PayPal checkout is unknown or not yours.", 404)
        if processor.is_paid(order):
            messages.info(request, f"Your order {order.number} is already paid.")
            return HttpResponseRedirect(order.get_absolute_url())
        try:
            result = processor.client().do_express_checkout_payment(
                token=token,
                payer_id=payer_id,
                payment=payment_request_for(order),
                notify_url=processor.absolute_url(request, "ipn"),
            )
        except PayPalApiError as exc:
            if exc.already_completed:
                messages.info(request, f"PayPal already took this payment; order {order.number} updates shortly.")
                return HttpResponseRedirect(order.get_absolute_url())
            logger.warning("PayPal DoExpressCheckoutPayment refused for %s: %s", order.number, exc)
            messages.error(request, f"PayPal refused the payment. Your order {order.number} is saved but not paid.")
            return HttpResponseRedirect(order.get_absolute_url())
        except PayPalError as exc:
            logger.warning("PayPal DoExpressCheckoutPayment failed for %s: %s", order.number, exc)
            return self.error_page(request, "PayPal could not be reached; nothing was charged. Please try again.", 502)
        raw = result.raw
        event, _applied = apply_once(
            processor=processor.name,
            key=f"payment:{result.transaction_id}:{result.status}"[:128],
            kind="DoExpressCheckoutPayment",
            body=raw,
            parsed={"token": token, "transaction_id": result.transaction_id, "status": result.status},
            order=order,
            apply=lambda event: processor.record_payment(
                order,
                transaction_id=result.transaction_id,
                status=result.status,
                amount=result.amount,
                currency=result.currency,
                raw=raw,
            ),
            remote_addr=_remote_addr(request),
        )
        if event.outcome == EventOutcome.FLAGGED:
            messages.error(request, f"PayPal's payment does not match order {order.number}; we will look into it.")
        elif result.completed:
            messages.success(request, f"Thank you! PayPal accepted your payment for order {order.number}.")
        else:
            messages.info(request, f"PayPal is processing your payment for order {order.number} ({result.status}).")
        return HttpResponseRedirect(order.get_absolute_url())


class PayPalCancelView(PayPalViewMixin, View):
    """``CANCELURL``: the shopper cancelled on PayPal; back to the cart, the order stays unpaid."""

    http_method_names = ["get"]

    def get(self, request):
        """Say clearly that nothing was paid."""
        order = self.viewable_order(request, request.GET.get("token", ""))
        if order is not None:
            PaymentEvent.objects.create(
                processor=self.processor.name,
                kind="cancel",
                order=order,
                body=request.META.get("QUERY_STRING", "")[:2000],
                outcome=EventOutcome.IGNORED,
                message="The shopper cancelled the payment on PayPal; the order stays unpaid.",
                remote_addr=_remote_addr(request),
            )
            messages.warning(
                request,
                f"You cancelled the payment at PayPal. Your order {order.number} is saved but not paid.",
            )
        else:
            messages.warning(request, "You cancelled the payment at PayPal; nothing was paid.")
        return redirect("cart:detail")


@method_decorator(csrf_exempt, name="dispatch")
class PayPalIpnView(PayPalViewMixin, View):
    """``NOTIFYURL``: PayPal's Instant Payment Notification.

    CSRF-exempt because it is a machine callback; it is authenticated by posting it back to
    PayPal (``cmd=_notify-validate``) before anything in it is believed, and applied once
    per ``txn_id`` and payment status.
    """

    http_method_names = ["post"]

    def reject(self, request, message, status, **kwargs):
        """Log a refused IPN and answer ``status``."""
        log_rejected(self.processor.name, "ipn", request.body, message, remote_addr=_remote_addr(request), **kwargs)
        return HttpResponse(message, status=status, content_type="text/plain")

    def post(self, request):
        """Verify, check against our order, apply once."""
        processor = self.processor
        raw = request.body
        if len(raw) > MAX_NVP_BYTES:
            return self.reject(request, "The IPN is too large.", 400)
        try:
            params = decode_nvp(raw)
        except PayPalMalformed as exc:
            return self.reject(request, f"Malformed IPN: {exc}", 400)
        try:
            verified = processor.verify_ipn(raw)
        except PayPalError as exc:
            logger.warning("PayPal IPN post-back failed: %s", exc)
            return HttpResponse("Could not verify the IPN now; please retry.", status=503, content_type="text/plain")
        if not verified:
            return self.reject(request, "PayPal did not verify this IPN (INVALID).", 403)
        ipn = Ipn.from_params(params)
        if not ipn.txn_id:
            return self.reject(request, "The IPN has no txn_id.", 400, authenticated=True)
        order = Order.objects.filter(number=ipn.invoice).first() if ipn.invoice else None
        if order is None:
            return self.reject(request, f"The IPN names no order of ours ({ipn.invoice!r}).", 400, authenticated=True)
        try:
            apply_once(
                processor=processor.name,
                key=f"ipn:{ipn.txn_id}:{ipn.payment_status}"[:128],
                kind=f"ipn-{ipn.txn_type or 'message'}"[:80],
                body=raw,
                parsed=params,
                order=order,
                apply=lambda event: self.apply(order, ipn, raw),
                remote_addr=_remote_addr(request),
            )
        except OperationalError as exc:
            # A busy database is transient: 503 makes PayPal resend the IPN later.
            logger.warning("PayPal IPN %s not applied now (database busy): %s", ipn.txn_id, exc)
            return HttpResponse("Busy; please resend.", status=503, content_type="text/plain")
        return HttpResponse("", content_type="text/plain")

    def apply(self, order, ipn, raw):
        """What an IPN does to the order: receiver checked, then by ``payment_status``."""
        processor = self.processor
        receiver = processor.setting("RECEIVER_EMAIL")
        if receiver and ipn.receiver_email.casefold() != receiver.casefold():
            note = f"PayPal IPN {ipn.txn_id} paid {ipn.receiver_email!r}, not our account."
            flag_order(order, note, processor=processor.name)
            return EventOutcome.FLAGGED, note
        if ipn.payment_status in {"Completed", "Pending"}:
            return processor.record_payment(
                order,
                transaction_id=ipn.txn_id,
                status=ipn.payment_status,
                amount=ipn.gross,
                currency=ipn.currency,
                raw=raw.decode("utf-8", "replace"),
            )
        if ipn.payment_status == "Refunded":
            return self.record_refund(order, ipn, raw)
        if ipn.payment_status in {"Reversed", "Denied", "Failed"}:
            note = f"PayPal IPN {ipn.txn_id}: payment {ipn.payment_status}."
            flag_order(order, note, processor=processor.name)
            return EventOutcome.FLAGGED, note
        return EventOutcome.IGNORED, f"Payment status {ipn.payment_status!r} needs no action."

    def record_refund(self, order, ipn, raw):
        """A refund made at PayPal (or by our RefundTransaction): recorded once per refund txn_id."""
        try:
            amount = abs(to_money(ipn.gross))
        except ValueError:
            amount = None
        _txn, created = PaymentTransaction.objects.get_or_create(
            processor=self.processor.name,
            kind=TransactionKind.REFUND,
            remote_id=ipn.txn_id,
            defaults={
                "order": order,
                "reference": f"{order.number}-ipn-{ipn.txn_id}"[:128],
                "status": TransactionStatus.SUCCEEDED,
                "amount": amount,
                "currency": ipn.currency[:3],
                "message": f"Refund of {ipn.parent_txn_id or 'the payment'} reported by IPN.",
                "raw_response": raw.decode("utf-8", "replace"),
            },
        )
        if not created:
            return EventOutcome.IGNORED, f"Refund {ipn.txn_id} was already recorded."
        return EventOutcome.APPLIED, f"Refund {ipn.txn_id} of {ipn.gross} {ipn.currency} recorded."


__all__ = [
    "CheckoutDetails",
    "PayPalExpressCheckout",
    "Ipn",
    "NvpClient",
    "PayPalApiError",
    "PayPalError",
    "PayPalMalformed",
    "PayPalUnavailable",
    "PaymentLine",
    "PaymentRequest",
    "PaymentResult",
    "approval_url",
    "decode_nvp",
    "encode_nvp",
    "verify_ipn",
]
