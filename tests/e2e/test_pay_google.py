"""Real browser: buy with Google Checkout through the gateway sandbox, and decline there.

The sandbox posts Google's notifications to the live server's notification URL while the
shopper's "Pay" request waits, so the live server must serve two requests at once
(pytest-django's live_server is threaded).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.digital.services import add_license_keys
from coleman.orders.models import Order
from coleman.payments.models import PaymentEvent
from tests.e2e.checkout import place_guest_order, point_gateways_at
from tests.factories.digital import AssetFactory
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def checkout_with_google(live_server, page, settings):
    """Add a product to the cart, choose Google Checkout, place the order, reach the sandbox page."""
    point_gateways_at(live_server, settings)
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


def test_pay_with_google_in_the_sandbox(live_server, page, settings):
    """Pay on the sandbox page: back in the store, the order page shows the payment received."""
    order = checkout_with_google(live_server, page, settings)
    page.get_by_role("button", name="Pay now (sandbox)").click()
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text(f"Thank you! Your payment for order {order.number} was received.")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "PAID" and order.total == Decimal("9.50")
    assert PaymentEvent.objects.filter(order=order, kind="charge-amount-notification", outcome="applied").exists()


def test_decline_in_the_sandbox(live_server, page, settings):
    """Decline on the sandbox page: back in the store, a clear message and the order stays unpaid."""
    order = checkout_with_google(live_server, page, settings)
    page.get_by_role("button", name="Decline payment").click()
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text("Your payment was declined.")).to_be_visible()
    expect(page.locator(".order-status")).not_to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "NEW_CHKOUT"


def test_digital_goods_show_their_key_on_the_sandbox_confirmation_page(live_server, page, settings, tmp_path):
    """Buy a digital product with a license key and a file (nothing ships): after "Pay", the
    sandbox's confirmation page shows the key and a link to the order's downloads, as Google's
    confirmation page did; the link opens the paid order with the same key."""
    settings.COLEMAN_DIGITAL_ROOT = str(tmp_path / "private")
    point_gateways_at(live_server, settings)
    book = AssetFactory(product__name="Cranberry Cookbook", product__price=Decimal("7.00")).product
    add_license_keys(book, ["1456-1514-3657-2198"])
    page.goto(live_server.url + book.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    place_guest_order(page, live_server, "Google Checkout")
    page.get_by_role("button", name="Pay with Google Checkout").click()
    expect(page.get_by_text("7.00 USD")).to_be_visible()  # a digital-only order ships for nothing
    page.get_by_role("button", name="Pay now (sandbox)").click()
    expect(page.get_by_role("heading", name="Cranberry Cookbook")).to_be_visible()
    expect(page.locator("code.digital-key")).to_have_text("1456-1514-3657-2198")
    expect(page.get_by_text("Download Cranberry Cookbook from your order page.")).to_be_visible()
    page.get_by_role("link", name="Access your purchase").click()
    expect(page.locator(".license-key")).to_have_text("1456-1514-3657-2198")
    order = Order.objects.get()
    assert order.status_id == "PAID" and order.total == Decimal("7.00")
