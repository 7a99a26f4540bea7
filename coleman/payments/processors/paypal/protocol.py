"""PayPal Express Checkout's protocol (NVP API version 124.0) and IPN, as pure functions.

1. ``SetExpressCheckout`` with the order's amounts, lines, our order number (``INVNUM``),
   ``RETURNURL`` and ``CANCELURL`` answers a ``TOKEN``; the shopper's browser is redirected
   to PayPal's approval page with that token (:func:`approval_url`).
2. PayPal sends the shopper back to ``RETURNURL?token=…&PayerID=…`` (or to ``CANCELURL``).
3. ``GetExpressCheckoutDetails`` tells us who paid for which invoice and how much; the shopper
   confirms on our page ("Place order") and ``DoExpressCheckoutPayment`` takes the money.
4. PayPal later posts an IPN to ``NOTIFYURL``; we post it back verbatim with
   ``cmd=_notify-validate`` (:func:`ipn_postback_body`) and PayPal answers ``VERIFIED`` or
   ``INVALID``.

Every API call carries the merchant's ``USER``/``PWD``/``SIGNATURE`` and is a form-encoded
POST; the answer is a body of the same form with ``ACK`` = ``Success`` /
``SuccessWithWarning`` / ``Failure`` / ``FailureWithWarning``. Nothing here touches the
network or the database.
"""

import codecs
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus, unquote_to_bytes, urlencode

from ...amounts import amounts_match, format_amount
from ...exceptions import GatewayRefused, GatewayResponseError, MalformedMessage

#: The live service's NVP API, approval page and IPN post-back (PayPal's own sandbox:
#: api-3t.sandbox.paypal.com, www.sandbox.paypal.com, ipnpb.sandbox.paypal.com).
LIVE_NVP_ENDPOINT = "https://api-3t.paypal.com/nvp"
LIVE_APPROVAL_URL = "https://www.paypal.com/cgi-bin/webscr"
LIVE_IPN_POSTBACK_URL = "https://ipnpb.paypal.com/cgi-bin/webscr"

NVP_VERSION = "124.0"
ACK_SUCCESS = frozenset({"Success", "SuccessWithWarning"})
# An NVP answer or IPN is a few kilobytes; refuse anything absurd before parsing it.
MAX_NVP_BYTES = 64 * 1024
# PayPal's own error code for "this token was already paid" (a repeated DoExpressCheckoutPayment).
ERROR_ALREADY_COMPLETED = "10415"


# --- errors ----------------------------------------------------------------------------


class PayPalMalformed(MalformedMessage):
    """A body that is not a well-formed NVP message (or is too large)."""


class PayPalApiError(GatewayRefused):
    """PayPal answered ``ACK=Failure``; ``errors`` lists ``(code, short, long)`` as sent."""

    AUTH_CODES = frozenset({"10002", "10008"})

    def __init__(self, method, errors, correlation_id=""):
        first = errors[0] if errors else ("", "Unknown error", "")
        super().__init__(f"{method} failed: {first[0]} {first[1]}".strip(), code=first[0], detail=first[2] or first[1])
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
    tax_amount: object = None  # sales tax added to the items (TAXAMT); None: no tax line


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
    if payment.tax_amount is not None:
        params["PAYMENTREQUEST_0_TAXAMT"] = format_amount(payment.tax_amount)
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


# --- Instant Payment Notification -------------------------------------------------------


def ipn_postback_body(raw_body) -> bytes:
    """What the store posts back to PayPal to verify an IPN: ``cmd=_notify-validate&`` + the IPN, byte for byte."""
    if isinstance(raw_body, str):
        raw_body = raw_body.encode("utf-8")
    return b"cmd=_notify-validate&" + raw_body


#: The charset PayPal encodes an IPN in when the account sets none (its documented default).
IPN_DEFAULT_CHARSET = "windows-1252"


def ipn_charset(body: bytes) -> str:
    """The character set an IPN declares in its ``charset`` field (the IPN's own encoding).

    The field's name and value are ASCII, so they are read before anything else is decoded.
    Without the field, UTF-8 when the (percent-decoded) body is UTF-8, else PayPal's default,
    windows-1252.
    An unknown charset is :class:`PayPalMalformed`.
    """
    declared = ""
    for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        if name == "charset":
            declared = value.strip()
            break
    if not declared:
        try:
            unquote_to_bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return IPN_DEFAULT_CHARSET
        return "utf-8"
    try:
        return codecs.lookup(declared).name
    except LookupError:
        raise PayPalMalformed(f"The IPN's charset {declared[:40]!r} is not one we know.") from None


def decode_ipn(body) -> tuple[dict, str]:
    """An IPN's fields and its text, decoded in the charset the IPN declares (:func:`ipn_charset`).

    PayPal encodes an IPN (its percent-escapes too) in the account's charset, windows-1252 by
    default: decoding it as UTF-8 would turn "José" into "Jos\ufffd". A repeated field or bytes
    that are not of the declared charset are :class:`PayPalMalformed`.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    if len(body) > MAX_NVP_BYTES:
        raise PayPalMalformed("The IPN is too large.")
    charset = ipn_charset(body)
    try:
        text = body.decode(charset)
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=bool(text),
            max_num_fields=500,
            encoding=charset,
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayPalMalformed(f"Not an IPN in {charset}: {exc}") from exc
    params = {}
    for name, value in pairs:
        if name in params:
            raise PayPalMalformed(f"The IPN field {name} appears twice.")
        params[name] = value
    return params, unquote_plus(text, encoding=charset, errors="replace")


def read_ipn_postback_answer(answer) -> bool:
    """True for ``VERIFIED``, False for ``INVALID``; anything else is :class:`GatewayResponseError`."""
    answer = (answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)).strip()
    if answer == "VERIFIED":
        return True
    if answer == "INVALID":
        return False
    raise GatewayResponseError(f"PayPal answered the IPN post-back with {answer[:40]!r}.")


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
    "PayPalApiError",
    "PayPalMalformed",
    "PaymentLine",
    "PaymentRequest",
    "PaymentResult",
    "api_errors",
    "approval_url",
    "decode_ipn",
    "decode_nvp",
    "ipn_charset",
    "do_express_checkout_payment_params",
    "encode_nvp",
    "ipn_postback_body",
    "read_ipn_postback_answer",
    "set_express_checkout_params",
]
