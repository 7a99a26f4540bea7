"""Real browser: choose a size, add two variants, apply a voucher, see Massachusetts tax at
checkout, pay on the PayPal sandbox, and find the same figures on the order page and in the
confirmation email.

Hand-worked: T-shirt S 2 × 18.00 + L 1 × 20.00 = 56.00; CRANBERRY10 −5.60; shipping 5.00 (flat);
MA 6.25% per line: 2.25 + 1.25 − 0.35 (on the discount) = 3.15; total 58.55.
"""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from coleman.offers.models import Voucher
from coleman.orders.models import Order
from coleman.products.models import ProductVariant
from coleman.tax.models import SalesTaxRate
from tests.e2e.checkout import point_gateways_at
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sizes_voucher_massachusetts_tax_and_paypal_agree_everywhere(live_server, page, settings):
    """The same 58.55 with its discount and tax on the checkout, the sandbox's confirmation, the
    order page and the email."""
    point_gateways_at(live_server, settings)
    settings.COLEMAN_TAX_STRATEGY = "coleman.tax.strategies.UsSalesTax"
    SalesTaxRate.objects.create(state="MA", name="Massachusetts", rate=Decimal("6.25"))
    Voucher.objects.create(code="CRANBERRY10", kind="percent", value=Decimal("10"))
    shirt = ProductFactory(name="Harvest T-shirt", slug="harvest-t-shirt", price=Decimal("18.00"), stock=None)
    ProductVariant.objects.create(product=shirt, name="S", sku="tee-s", stock=10, position=1)
    ProductVariant.objects.create(product=shirt, name="L", sku="tee-l", price=Decimal("20.00"), stock=10, position=2)

    page.goto(live_server.url + shirt.get_absolute_url())
    page.get_by_label("Choose").select_option(label="S – $18.00")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("2")  # the add finished (it may use fetch)
    page.goto(live_server.url + shirt.get_absolute_url())
    page.get_by_label("Choose").select_option(label="L – $20.00")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("3")

    page.goto(live_server.url + "/cart/")
    expect(page.get_by_role("link", name="Harvest T-shirt – S")).to_be_visible()
    expect(page.get_by_role("link", name="Harvest T-shirt – L")).to_be_visible()
    page.get_by_label("Voucher code").fill("cranberry10")
    page.get_by_role("button", name="Apply voucher").click()
    expect(page.get_by_text("Voucher CRANBERRY10: 10% off")).to_be_visible()

    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("PayPal", exact=True).check()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address line 1").fill("12 Bog Road")
    page.get_by_label("City").fill("Wareham")
    page.get_by_label("State / region").fill("MA")
    page.get_by_label("Postal code").fill("02571")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Update totals").click()
    expect(page.get_by_text("MA sales tax 6.25%")).to_be_visible()
    expect(page.locator(".checkout-total")).to_have_text("$58.55")
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(r"/sandbox/paypal/webscr/\?"))
    page.get_by_role("button", name="Pay with sandbox PayPal").click()
    order = Order.objects.get()
    expect(page.get_by_role("heading", name=f"Confirm your order {order.number}")).to_be_visible()
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    for figure in ("$56.00", "−$5.60", "$3.15", "$58.55"):
        expect(page.get_by_text(figure, exact=True).first).to_be_visible()
    order.refresh_from_db()
    assert (order.subtotal, order.discount, order.tax, order.total) == (
        Decimal("56.00"),
        Decimal("5.60"),
        Decimal("3.15"),
        Decimal("58.55"),
    )
    assert [line.variant.sku for line in order.lines.all()] == ["tee-s", "tee-l"]
    email = next(message for message in mail.outbox if order.number in message.subject)
    for figure in ("$56.00", "-$5.60", "$3.15", "$58.55", "Harvest T-shirt – S", "MA sales tax 6.25%"):
        assert figure in email.body
