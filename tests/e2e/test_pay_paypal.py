"""Real browser: a guest buys with PayPal Express Checkout on the gateway sandbox, or cancels there.

The sandbox also posts its IPN to the store over HTTP after the payment; the paid journey
waits for it and checks that the store verified it by post-back and logged it.
"""

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from coleman.payments.models import PaymentEvent, PaymentTransaction
from tests.e2e.checkout import place_guest_order
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def checkout_with_paypal(live_server, page):
    """Add a product, check out as a guest, choose PayPal and place the order: lands on the sandbox."""
    sauce = ProductFactory(name="Cranberry Sauce", slug="cranberry-sauce", price=Decimal("3.25"), stock=10)
    page.goto(live_server.url + sauce.get_absolute_url())
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("2")
    place_guest_order(page, live_server, "PayPal")
    expect(page).to_have_url(re.compile(r"/sandbox/paypal/webscr/\?"))
    expect(page.get_by_text("SANDBOX", exact=False).first).to_be_visible()
    return Order.objects.get()


def wait_for(condition, seconds=10):
    """Poll ``condition`` until true (the IPN arrives asynchronously, as PayPal's did)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_pay_with_paypal_on_the_sandbox(live_server, page):
    """Cart → checkout → PayPal → approve on the sandbox → "Place order" → order shown paid; IPN verified."""
    order = checkout_with_paypal(live_server, page)
    expect(page.get_by_text(order.number, exact=True)).to_be_visible()
    page.get_by_role("button", name="Pay with sandbox PayPal").click()

    expect(page.get_by_role("heading", name=f"Confirm your order {order.number}")).to_be_visible()
    order.refresh_from_db()
    assert order.status_id == "NEW"  # nothing is taken before "Place order"
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text("PayPal accepted your payment")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "PAID"
    charge = PaymentTransaction.objects.get(processor="paypal", kind="charge")
    assert charge.status == "succeeded" and charge.amount == order.total == Decimal("11.50")

    assert wait_for(lambda: PaymentEvent.objects.filter(processor="paypal", kind__startswith="ipn").exists())
    ipn = PaymentEvent.objects.get(processor="paypal", kind__startswith="ipn")
    assert ipn.authenticated and ipn.order_id == order.pk
    assert ipn.outcome == "ignored"  # the order was already paid: the IPN changes nothing


def test_cancel_on_paypal_keeps_the_order_unpaid(live_server, page):
    """Cancelling on the sandbox returns to the cart with a clear message; the order is unpaid."""
    order = checkout_with_paypal(live_server, page)
    page.get_by_role("button", name="Cancel and return to the store").click()

    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.get_by_text(f"Your order {order.number} is saved but not paid")).to_be_visible()
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert not PaymentTransaction.objects.filter(processor="paypal", kind="charge").exists()
