"""Real browser: buy with Google Checkout through the gateway sandbox, and decline there.

The sandbox posts Google's notifications to the live server's notification URL while the
shopper's "Pay" request waits, so the live server must serve two requests at once
(pytest-django's live_server is threaded).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from coleman.payments.models import PaymentEvent
from tests.e2e.checkout import place_guest_order
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def checkout_with_google(live_server, page):
    """Add a product to the cart, choose Google Checkout, place the order, reach the sandbox page."""
    jam = ProductFactory(name="Cranberry Jam", slug="cranberry-jam", price=Decimal("4.50"), stock=10)
    page.goto(live_server.url + jam.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")  # the add finished (it may use fetch)
    place_guest_order(page, live_server, "Google Checkout")
    order = Order.objects.get()
    expect(page.get_by_role("heading", name=f"Pay for order {order.number}")).to_be_visible()
    page.get_by_role("button", name="Pay with Google Checkout").click()
    expect(page.locator(".sandbox-banner")).to_contain_text("SANDBOX")
    expect(page.get_by_text("9.50 USD")).to_be_visible()  # 4.50 + 5.00 flat-rate shipping
    return order


def test_pay_with_google_in_the_sandbox(live_server, page):
    """Pay on the sandbox page: back in the store, the order page shows the payment received."""
    order = checkout_with_google(live_server, page)
    page.get_by_role("button", name="Pay now (sandbox)").click()
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text(f"Thank you! Your payment for order {order.number} was received.")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "PAID" and order.total == Decimal("9.50")
    assert PaymentEvent.objects.filter(order=order, kind="charge-amount-notification", outcome="applied").exists()


def test_decline_in_the_sandbox(live_server, page):
    """Decline on the sandbox page: back in the store, a clear message and the order stays unpaid."""
    order = checkout_with_google(live_server, page)
    page.get_by_role("button", name="Decline payment").click()
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text("Your payment was declined.")).to_be_visible()
    expect(page.locator(".order-status")).not_to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "NEW_CHKOUT"
