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

import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from coleman.core.money import to_money

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

    @classmethod
    def from_response(cls, response):
        """Read the fields we use from a decoded answer."""
        return cls(
            transaction_id=response.get("PAYMENTINFO_0_TRANSACTIONID", ""),
            status=response.get("PAYMENTINFO_0_PAYMENTSTATUS", ""),
            amount=response.get("PAYMENTINFO_0_AMT", ""),
            currency=response.get("PAYMENTINFO_0_CURRENCYCODE", ""),
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
            set_express_checkout_params(
                payment, return_url=return_url, cancel_url=cancel_url, notify_url=notify_url
            )
        )
        token = response.get("TOKEN", "")
        if not token:
            raise PayPalUnavailable("SetExpressCheckout answered without a TOKEN.")
        return token

    def get_express_checkout_details(self, token) -> CheckoutDetails:
        """The buyer and amounts PayPal holds for ``token``."""
        return CheckoutDetails.from_response(
            self.call({"METHOD": "GetExpressCheckoutDetails", "TOKEN": token})
        )

    def do_express_checkout_payment(self, *, token, payer_id, payment, notify_url="") -> PaymentResult:
        """Take the payment the buyer approved."""
        response = self.call(
            do_express_checkout_payment_params(
                token=token, payer_id=payer_id, payment=payment, notify_url=notify_url
            )
        )
        return PaymentResult.from_response(response)

    def refund_transaction(self, transaction_id) -> dict:
        """Refund a completed transaction in full; return the decoded answer."""
        return self.call(
            {"METHOD": "RefundTransaction", "TRANSACTIONID": transaction_id, "REFUNDTYPE": "Full"}
        )


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


__all__ = [
    "CheckoutDetails",
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
