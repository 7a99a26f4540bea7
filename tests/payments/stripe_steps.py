"""Steps the Stripe tests share: hand an order to the sandbox, pay it, post (re-signed) events."""

import json
import time
from decimal import Decimal

from django.test import Client, RequestFactory

from coleman.orders.models import Order
from coleman.payments.models import PaymentTransaction
from coleman.payments.sandbox.stripe.webhooks import sent_events, signature_header
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory

WEBHOOK_URL = "/payments/stripe/webhook/"
#: The endpoint secret the test settings give the store and the sandbox's account.
SECRET = "whsec_sandbox_not_secret"


def hosted_page(processor, order):
    """Hand ``order`` to Stripe as the checkout does; the hosted page's URL."""
    response = processor.get_checkout_response(RequestFactory().get("/checkout/stripe/"), order)
    assert response.status_code == 302
    return response["Location"]


def pay(processor, order):
    """Hand off and press "Pay" on the hosted page; returns the recorded event (id, payload)."""
    assert Client().post(hosted_page(processor, order), {"decision": "pay"}).status_code == 302
    return sent_events()[-1]


def post_event(payload, *, secret=SECRET, timestamp=None, client=None):
    """POST ``payload`` to the webhook signed with ``secret`` at ``timestamp`` (default: now)."""
    header = signature_header(payload, secret, int(time.time()) if timestamp is None else timestamp)
    return (client or Client()).post(
        WEBHOOK_URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def edited(payload, event_id=None, **session_changes):
    """The event body with another event id and/or fields of its Checkout Session changed (unsigned)."""
    event = json.loads(payload)
    event["data"]["object"].update(session_changes)
    if event_id:
        event["id"] = event_id
    return json.dumps(event).encode()


def make_order(lines, *, unit="1.00"):
    """An order of ``lines`` lines at ``unit`` each, plus 5.00 shipping."""
    subtotal = Decimal(unit) * lines
    order = OrderFactory(subtotal=subtotal, shipping=Decimal("5.00"), total=subtotal + Decimal("5.00"))
    for _ in range(lines):
        LineFactory(
            order=order, product=ProductFactory(price=Decimal(unit)), unit_price=Decimal(unit), line_total=Decimal(unit)
        )
    return order


def assert_unchanged(order):
    """Nothing about ``order``'s payment changed: still NEW, no charge recorded."""
    assert Order.objects.get(pk=order.pk).status_id == "NEW"
    assert not PaymentTransaction.objects.filter(order=order, kind="charge").exists()
    assert not order.history.filter(to_status="PAID").exists()
