"""Stripe Checkout's documents, as pure functions: the Checkout Session we ask for, the webhook
events we accept, and how their amounts are written.

Stripe writes money as integers in the currency's smallest unit (cents for USD, yen for JPY);
:func:`to_minor_units` and :func:`from_minor_units` convert. The signature of a webhook is
checked by the ``stripe`` library itself (:func:`verify_event`: ``stripe.Webhook.construct_event``,
HMAC-SHA256 of ``"<timestamp>.<payload>"`` under the endpoint secret, with a tolerance on the
timestamp); its failures become the payments app's :class:`Unauthenticated` and
:class:`MalformedMessage`.
"""

from dataclasses import dataclass
from decimal import Decimal

import stripe

from coleman.core.money import to_money

from ...exceptions import MalformedMessage, Unauthenticated

LIVE_API_BASE = "https://api.stripe.com"
#: The event that says a Checkout Session was paid (or, for delayed methods, submitted).
SESSION_COMPLETED = "checkout.session.completed"
#: A delayed payment method (a bank debit) of a completed session was collected.
SESSION_ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded"
#: A delayed payment method of a completed session failed: nothing was collected.
SESSION_ASYNC_FAILED = "checkout.session.async_payment_failed"
#: The events about a Checkout Session that change an order.
SESSION_EVENTS = frozenset({SESSION_COMPLETED, SESSION_ASYNC_SUCCEEDED, SESSION_ASYNC_FAILED})
#: Stripe's default (and the store's) webhook tolerance: seconds a signed timestamp stays valid.
DEFAULT_TOLERANCE = 300
#: Currencies Stripe writes without decimals (stripe.com/docs/currencies#zero-decimal).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905 - reads as the docs list them
)


def to_minor_units(amount, currency) -> int:
    """``amount`` (a Decimal in major units) as Stripe's integer in the currency's smallest unit."""
    money = to_money(amount)
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(money)
    return int(money * 100)


def from_minor_units(value, currency) -> Decimal:
    """Stripe's integer amount as a Decimal in major units; ``ValueError`` for anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Not a Stripe amount: {value!r}")
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return to_money(value)
    return to_money(Decimal(value) / 100)


@dataclass(frozen=True)
class CheckoutLine:
    """One order line as sold: name, unit price (major units) and quantity."""

    name: str
    unit_price: Decimal
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    """What the store asks Stripe to collect for one order."""

    order_number: str
    currency: str
    lines: list
    shipping: Decimal
    shipping_name: str
    total: Decimal
    email: str = ""


def checkout_session_params(request: CheckoutRequest, *, success_url, cancel_url) -> dict:
    """The ``POST /v1/checkout/sessions`` parameters of ``request`` (a one-off ``payment`` session).

    Each line is priced inline (``price_data``), shipping is a fixed-amount shipping option, and
    the order number travels as ``client_reference_id`` and in ``metadata`` and on the
    PaymentIntent, so every event can be matched to the order it is about.
    """
    currency = request.currency.lower()
    params = {
        "mode": "payment",
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": request.order_number,
        "metadata": {"order_number": request.order_number},
        "payment_intent_data": {"metadata": {"order_number": request.order_number}},
        "line_items": [
            {
                "quantity": line.quantity,
                "price_data": {
                    "currency": currency,
                    "unit_amount": to_minor_units(line.unit_price, currency),
                    "product_data": {"name": line.name[:250] or request.order_number},
                },
            }
            for line in request.lines
        ],
    }
    if request.email:
        params["customer_email"] = request.email
    if request.shipping:
        params["shipping_options"] = [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": (request.shipping_name or "Shipping")[:100],
                    "fixed_amount": {"amount": to_minor_units(request.shipping, currency), "currency": currency},
                }
            }
        ]
    return params


def verify_event(payload, signature_header, *, secret, tolerance=DEFAULT_TOLERANCE):
    """The ``stripe.Event`` in ``payload`` once the library has checked its ``Stripe-Signature``.

    Raises :class:`Unauthenticated` for a missing, forged or stale signature (older than
    ``tolerance`` seconds) and :class:`MalformedMessage` for a signed body that is not an event.
    """
    try:
        return stripe.Webhook.construct_event(payload, signature_header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError as exc:
        raise Unauthenticated(f"Bad Stripe-Signature: {exc}", status=400) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedMessage(f"The webhook body is not a Stripe event: {exc}") from exc


@dataclass(frozen=True)
class SessionFacts:
    """What a ``checkout.session`` object says about a payment, read defensively."""

    session_id: str
    client_reference_id: str
    order_number: str
    amount_total: object
    currency: str
    payment_status: str
    payment_intent: str

    @classmethod
    def from_session(cls, session):
        """Read a session (the ``to_dict()`` of a ``stripe.checkout.Session``) field by field."""

        def text(value):
            # A NUL (which PostgreSQL refuses in text) is kept visible as "\x00", never dropped:
            # "C-1\x00" must not become the order number "C-1".
            return value.replace("\x00", "\\x00") if isinstance(value, str) else ""

        metadata = session.get("metadata") or {}
        intent = session.get("payment_intent")
        if not isinstance(intent, str):  # an expanded PaymentIntent object
            intent = (intent or {}).get("id", "") if hasattr(intent, "get") else ""
        return cls(
            session_id=text(session.get("id")),
            client_reference_id=text(session.get("client_reference_id")),
            order_number=text(metadata.get("order_number") if hasattr(metadata, "get") else ""),
            amount_total=session.get("amount_total"),
            currency=text(session.get("currency")).upper(),
            payment_status=text(session.get("payment_status")),
            payment_intent=text(intent),
        )

    @property
    def paid(self):
        """True when Stripe says the money was collected."""
        return self.payment_status == "paid"

    def amount(self):
        """The session's total in major units, or None when it is not a Stripe amount."""
        try:
            return from_minor_units(self.amount_total, self.currency or "USD")
        except ValueError:
            return None

    def problems(self, *, order_number, total, currency):
        """Why this session does not pay the order ``order_number`` of ``total`` ``currency`` (empty: it does)."""
        problems = []
        if self.client_reference_id != order_number:
            problems.append(f"client_reference_id {self.client_reference_id!r} is not {order_number}")
        if self.order_number != order_number:
            problems.append(f"metadata order_number {self.order_number!r} is not {order_number}")
        if self.currency != currency.upper():
            problems.append(f"currency {self.currency!r} is not {currency}")
        amount = self.amount()
        if amount is None or amount != to_money(total):
            problems.append(f"amount_total {self.amount_total!r} is not {to_minor_units(total, currency)}")
        return problems


__all__ = [
    "DEFAULT_TOLERANCE",
    "LIVE_API_BASE",
    "SESSION_ASYNC_FAILED",
    "SESSION_ASYNC_SUCCEEDED",
    "SESSION_COMPLETED",
    "SESSION_EVENTS",
    "CheckoutLine",
    "CheckoutRequest",
    "SessionFacts",
    "checkout_session_params",
    "from_minor_units",
    "to_minor_units",
    "verify_event",
]
