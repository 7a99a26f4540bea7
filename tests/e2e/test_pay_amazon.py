"""Real browser: a guest buys with Amazon Payments on the gateway sandbox, or declines there; a
customer buys a prepaid balance on their account page and a download is then paid from it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from coleman.payments.models import PaymentTransaction
from tests.e2e.checkout import place_guest_order, point_gateways_at
from tests.factories.products import ProductFactory
from tests.factories.users import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def checkout_with_amazon(live_server, page, settings):
    """Add a product, check out as a guest, choose Amazon and place the order: lands on the sandbox."""
    point_gateways_at(live_server, settings)
    jam = ProductFactory(name="Cranberry Jam", slug="cranberry-jam", price=Decimal("4.50"), stock=10)
    page.goto(live_server.url + jam.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    place_guest_order(page, live_server, "Amazon Payments")
    expect(page).to_have_url(re.compile(r"/sandbox/amazon/cbui/\?"))
    expect(page.get_by_text("SANDBOX", exact=False).first).to_be_visible()
    return Order.objects.get()


def test_pay_with_amazon_on_the_sandbox(live_server, page, settings):
    """Cart → checkout → Amazon → pay on the sandbox page → back in the store, order shown paid."""
    order = checkout_with_amazon(live_server, page, settings)
    expect(page.get_by_text(order.number, exact=True)).to_be_visible()
    page.get_by_role("button", name="Pay with sandbox Amazon").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text("Amazon accepted your payment")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    order.refresh_from_db()
    assert order.status_id == "PAID"
    charge = PaymentTransaction.objects.get(processor="amazon", kind="charge")
    assert charge.status == "succeeded" and charge.amount == order.total


def test_decline_on_amazon_keeps_the_order_unpaid(live_server, page, settings):
    """Declining on the sandbox page brings the shopper back to an unpaid order with a clear message."""
    order = checkout_with_amazon(live_server, page, settings)
    page.get_by_role("button", name="Decline").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text(f"Your order {order.number} is saved but not paid")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Awaiting Payment")
    order.refresh_from_db()
    assert order.status_id == "NEW"


def test_a_prepaid_balance_pays_a_download_without_leaving_the_store(live_server, page, settings):
    """Log in → account page → buy a $25.00 prepaid balance on the sandbox → back, balance shown;
    add a $4.50 download, check out with Amazon: paid at once from the balance, $20.50 left."""
    point_gateways_at(live_server, settings)
    UserFactory(username="maud")
    song = ProductFactory(name="Bog Song", slug="bog-song", price=Decimal("4.50"), is_digital=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("maud")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/accounts/profile/")
    panel = page.get_by_role("region", name="Amazon Payments balance and credit")
    panel.get_by_label("Prepaid amount").select_option("25.00")
    panel.get_by_role("button", name="Buy a prepaid balance").click()
    expect(page).to_have_url(re.compile(r"/sandbox/amazon/cbui/\?"))
    page.get_by_role("button", name="Pay with sandbox Amazon").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_text("Your Amazon prepaid balance is ready.")).to_be_visible()
    expect(panel.locator(".amazon-prepaid")).to_contain_text("$25.00 left")

    page.goto(live_server.url + song.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")  # the add finished (it may use fetch)
    page.goto(live_server.url + "/cart/")
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Amazon Payments", exact=True).check()
    page.get_by_label("Full name").fill("Maud Moss")
    page.get_by_label("Address line 1").fill("3 Peat Row")
    page.get_by_label("City").fill("Carver")
    page.get_by_label("State / region").fill("MA")
    page.get_by_label("Postal code").fill("02330")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Place order").click()

    order = Order.objects.get()
    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.get_by_text("Paid from your Amazon prepaid balance.")).to_be_visible()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    page.goto(live_server.url + "/accounts/profile/")
    expect(panel.locator(".amazon-prepaid")).to_contain_text("$20.50 left")
