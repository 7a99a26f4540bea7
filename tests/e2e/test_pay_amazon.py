"""Real browser: a guest buys with Amazon Payments on the gateway sandbox, or declines there."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from coleman.payments.models import PaymentTransaction
from tests.e2e.checkout import place_guest_order
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def checkout_with_amazon(live_server, page):
    """Add a product, check out as a guest, choose Amazon and place the order: lands on the sandbox."""
    jam = ProductFactory(name="Cranberry Jam", slug="cranberry-jam", price=Decimal("4.50"), stock=10)
    page.goto(live_server.url + jam.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    place_guest_order(page, live_server, "Amazon Payments")
    expect(page).to_have_url(re.compile(r"/sandbox/amazon/cbui/\?"))
    expect(page.get_by_text("SANDBOX", exact=False).first).to_be_visible()
    return Order.objects.get()


def test_pay_with_amazon_on_the_sandbox(live_server, page):
    """Cart → checkout → Amazon → pay on the sandbox page → back in the store, order shown paid."""
    order = checkout_with_amazon(live_server, page)
    expect(page.get_by_text(order.number, exact=True)).to_be_visible()
    page.get_by_role("button", name="Pay with sandbox Amazon").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text("Amazon accepted your payment")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "PAID"
    charge = PaymentTransaction.objects.get(processor="amazon", kind="charge")
    assert charge.status == "succeeded" and charge.amount == order.total


def test_decline_on_amazon_keeps_the_order_unpaid(live_server, page):
    """Declining on the sandbox page brings the shopper back to an unpaid order with a clear message."""
    order = checkout_with_amazon(live_server, page)
    page.get_by_role("button", name="Decline").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text(f"Your order {order.number} is saved but not paid")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Awaiting Payment")
    order.refresh_from_db()
    assert order.status_id == "NEW"
