"""Stripe's documents as pure functions: session parameters, minor units, the webhook check, and
the sandbox's signature agreeing with the ``stripe`` library's."""

import json
import time
from decimal import Decimal

import pytest
import stripe

from coleman.payments.exceptions import MalformedMessage, Unauthenticated
from coleman.payments.processors.stripe import protocol
from coleman.payments.sandbox.stripe.webhooks import signature_header

SECRET = "whsec_test_secret"
REQUEST = protocol.CheckoutRequest(
    order_number="C-1001",
    currency="USD",
    lines=[
        protocol.CheckoutLine(name="Cranberry sauce", unit_price=Decimal("10.00"), quantity=2),
        protocol.CheckoutLine(name="Bog tour", unit_price=Decimal("5.55"), quantity=1),
    ],
    shipping=Decimal("5.00"),
    shipping_name="Flat rate",
    total=Decimal("30.55"),
    email="ada@example.com",
)


def event_payload(**session):
    """A checkout.session.completed event body (bytes) about ``session``."""
    body = {"id": "evt_1", "object": "event", "type": protocol.SESSION_COMPLETED, "data": {"object": session}}
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("30.55", "USD", 3055), ("0.01", "usd", 1), ("1150", "JPY", 1150), (Decimal("19.999"), "EUR", 2000)],
)
def test_minor_units_round_trip(amount, currency, minor):
    """Amounts go to Stripe's smallest unit (cents; yen have none) and come back as the same money."""
    assert protocol.to_minor_units(amount, currency) == minor
    assert protocol.from_minor_units(minor, currency) == protocol.to_money(amount)


@pytest.mark.parametrize("value", ["3055", 30.55, None, True])
def test_from_minor_units_refuses_what_is_not_an_integer(value):
    """Only an integer is a Stripe amount: strings, floats, None and booleans raise ValueError."""
    with pytest.raises(ValueError):
        protocol.from_minor_units(value, "USD")


def test_session_params_carry_lines_shipping_and_the_order_reference():
    """Each line is priced inline in cents, shipping is a fixed-amount option, and the order number
    travels as client_reference_id, in metadata and on the PaymentIntent."""
    params = protocol.checkout_session_params(REQUEST, success_url="https://s/ok", cancel_url="https://s/no")
    assert params["mode"] == "payment"
    assert params["client_reference_id"] == "C-1001"
    assert params["metadata"] == {"order_number": "C-1001"}
    assert params["payment_intent_data"] == {"metadata": {"order_number": "C-1001"}}
    assert params["customer_email"] == "ada@example.com"
    assert [(item["quantity"], item["price_data"]["unit_amount"]) for item in params["line_items"]] == [
        (2, 1000),
        (1, 555),
    ]
    assert {item["price_data"]["currency"] for item in params["line_items"]} == {"usd"}
    fixed = params["shipping_options"][0]["shipping_rate_data"]["fixed_amount"]
    assert fixed == {"amount": 500, "currency": "usd"}
    total = sum(i["quantity"] * i["price_data"]["unit_amount"] for i in params["line_items"]) + fixed["amount"]
    assert total == protocol.to_minor_units(REQUEST.total, "USD")


def test_the_sandbox_signs_as_the_stripe_library_does():
    """The sandbox's own few lines of HMAC produce the header the library generates and accepts."""
    payload = event_payload(id="cs_1")
    now = int(time.time())
    ours = signature_header(payload, SECRET, now)
    theirs = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET, timestamp=now)
    assert ours == theirs
    assert protocol.verify_event(payload, ours, secret=SECRET).id == "evt_1"


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (None, "no header"),
        ("", "empty header"),
        ("garbage", "unparseable"),
        ("t=1", "no v1 signature"),
        (lambda p, now: signature_header(p, "whsec_wrong", now), "another secret"),
        (lambda p, now: signature_header(p, SECRET, now - 301), "older than 300 s"),
        (lambda p, now: signature_header(p + b" ", SECRET, now), "another body"),
    ],
)
def test_verify_event_refuses_bad_signatures(header, why):
    """A missing, forged, stale or mismatched Stripe-Signature raises Unauthenticated (answered 400)."""
    payload = event_payload(id="cs_1")
    if callable(header):
        header = header(payload, int(time.time()))
    with pytest.raises(Unauthenticated) as caught:
        protocol.verify_event(payload, header, secret=SECRET, tolerance=300)
    assert caught.value.status == 400, why


def test_verify_event_refuses_a_signed_body_that_is_not_json():
    """A correctly signed body that is not an event is malformed (400), not a 500."""
    payload = b"not json"
    with pytest.raises(MalformedMessage):
        protocol.verify_event(payload, signature_header(payload, SECRET, int(time.time())), secret=SECRET)


def test_session_facts_compare_with_the_order():
    """A session pays an order only with its number (reference and metadata), amount and currency."""
    good = {
        "id": "cs_1",
        "client_reference_id": "C-1001",
        "metadata": {"order_number": "C-1001"},
        "amount_total": 3055,
        "currency": "usd",
        "payment_status": "paid",
        "payment_intent": "pi_1",
    }
    facts = protocol.SessionFacts.from_session(good)
    assert facts.paid and facts.amount() == Decimal("30.55") and facts.payment_intent == "pi_1"
    assert facts.problems(order_number="C-1001", total=Decimal("30.55"), currency="USD") == []
    for change, word in [
        ({"client_reference_id": "C-2002"}, "client_reference_id"),
        ({"metadata": {"order_number": "C-2002"}}, "metadata"),
        ({"amount_total": 3054}, "amount_total"),
        ({"amount_total": "3055"}, "amount_total"),
        ({"currency": "eur"}, "currency"),
    ]:
        problems = protocol.SessionFacts.from_session({**good, **change}).problems(
            order_number="C-1001", total=Decimal("30.55"), currency="USD"
        )
        assert len(problems) == 1 and word in problems[0], (change, problems)


def test_session_facts_survive_odd_shapes():
    """Fields of the wrong type read as empty instead of raising (the event was signed, but may be odd)."""
    facts = protocol.SessionFacts.from_session({"id": 5, "metadata": "x", "payment_intent": {"id": "pi_9"}})
    assert (facts.session_id, facts.order_number, facts.payment_intent, facts.amount()) == ("", "", "pi_9", None)
