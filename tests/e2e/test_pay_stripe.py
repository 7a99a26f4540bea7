"""Real browser: a guest buys with Stripe Checkout on the gateway sandbox, or is declined there.

The store creates the Checkout Session through the ``stripe`` library over real HTTP on the live
server; paying on the sandbox's hosted page posts the signed ``checkout.session.completed``
webhook to the store (also over HTTP) before the browser comes back, and only that event marks
the order paid.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from coleman.payments.models import PaymentEvent, PaymentTransaction
from tests.e2e.checkout import place_guest_order, point_gateways_at
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def checkout_with_stripe(live_server, page, settings):
    """Add a product, check out as a guest, choose Stripe and place the order: lands on the hosted page."""
    point_gateways_at(live_server, settings)
    sauce = ProductFactory(name="Cranberry Sauce", slug="cranberry-sauce", price=Decimal("3.25"), stock=10)
    page.goto(live_server.url + sauce.get_absolute_url())
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("2")
    place_guest_order(page, live_server, "Stripe")
    expect(page).to_have_url(re.compile(r"/sandbox/stripe/pay/cs_test_\w+/$"))
    expect(page.get_by_text("SANDBOX", exact=False).first).to_be_visible()
    return Order.objects.get()


def test_pay_with_stripe_on_the_sandbox(live_server, page, settings):
    """Cart → checkout → Stripe → "Pay" on the hosted page → the order shown paid, by the signed webhook."""
    order = checkout_with_stripe(live_server, page, settings)
    expect(page.get_by_role("heading", name="Sandbox Stripe Checkout: pay 11.50 USD")).to_be_visible()
    expect(page.get_by_text(order.number, exact=True)).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text(f"Thank you! Your payment for order {order.number} was received.")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "PAID"
    charge = PaymentTransaction.objects.get(processor="stripe", kind="charge")
    assert charge.status == "succeeded" and charge.amount == order.total == Decimal("11.50")
    webhook = PaymentEvent.objects.get(processor="stripe", kind="checkout.session.completed")
    assert webhook.authenticated and webhook.outcome == "applied" and webhook.order_id == order.pk


def test_declined_on_stripe_keeps_the_order_unpaid(live_server, page, settings):
    """ "Decline" shows the card error on the hosted page; returning to the store says the order is unpaid."""
    order = checkout_with_stripe(live_server, page, settings)
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("Your card was declined"))
    page.get_by_role("link", name="Return to the store").click()

    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.get_by_text(f"Your order {order.number} is saved but not paid")).to_be_visible()
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert not PaymentTransaction.objects.filter(processor="stripe", kind="charge").exists()
    assert not PaymentEvent.objects.filter(processor="stripe", kind="checkout.session.completed").exists()
