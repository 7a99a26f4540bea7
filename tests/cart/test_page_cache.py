"""The cart page served whole from the cache: per cart, fresh after every change that shows."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coleman.offers.models import Voucher
from coleman.products.cache import catalog_version
from coleman.products.models import ProductVariant
from coleman.tax.models import VatRate
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

CART = "/cart/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBTOTAL = re.compile(r'class="num cart-subtotal">([^<]+)<')


def shopper(*lines):
    """A client whose cart holds ``lines`` ((product, quantity, variant or None) each), after
    the cart page was shown once (it consumes the "added" messages)."""
    client = Client()
    for product, quantity, variant in lines:
        data = {"quantity": str(quantity)}
        if variant is not None:
            data["variant"] = str(variant.pk)
        assert client.post(reverse("cart:add-item", args=[product.pk]), data).status_code == 302
    client.get(CART)
    return client


def subtotal(response):
    assert response.status_code == 200
    return SUBTOTAL.search(response.content.decode()).group(1)


def test_shoppers_with_the_same_lines_share_one_stored_page_with_their_own_tokens(django_assert_num_queries):
    """The second shopper with the same cart gets the page without a template or a product
    query (only the session is read), with a CSRF token of their own that works."""
    product = ProductFactory(price=Decimal("4.00"))
    first, second = shopper((product, 2, None)), shopper((product, 2, None))
    first_page = first.get(CART)
    with django_assert_num_queries(1):  # the session (database sessions in the tests)
        second_page = second.get(CART)
    assert second_page.templates == [] and subtotal(first_page) == subtotal(second_page) == "$8.00"
    first_token, second_token = (TOKEN.search(page.content.decode()).group(1) for page in (first_page, second_page))
    assert first_token != second_token
    item_id = re.search(r'data-item-id="(\d+)"', second_page.content.decode()).group(1)
    second.handler.enforce_csrf_checks = True
    removed = second.post(reverse("cart:remove-item", args=[item_id]), {"csrfmiddlewaretoken": second_token})
    assert removed.status_code == 302
    assert "Your cart is empty" in second.get(CART).content.decode()
    assert subtotal(first.get(CART)) == "$8.00"  # the other shopper's cart is theirs


def test_carts_that_differ_only_by_variant_get_their_own_pages():
    """Same product, same quantity, another variant (another price): another page and summary."""
    shirt = ProductFactory(price=Decimal("10.00"))
    small = ProductVariant.objects.create(product=shirt, name="S", sku="tee-s", position=1)
    large = ProductVariant.objects.create(product=shirt, name="L", sku="tee-l", price=Decimal("20.00"), position=2)
    small_cart, large_cart = shopper((shirt, 1, small)), shopper((shirt, 1, large))
    summary = re.compile(r'class="cart-summary-total">([^<]+)<')
    for _ in range(2):  # rendered (the header's summary after the lines were read), then from the cache
        for client, price in ((small_cart, "$10.00"), (large_cart, "$20.00")):
            page = client.get(CART)
            assert subtotal(page) == summary.search(page.content.decode()).group(1) == price


def test_a_new_price_shows_on_the_next_request():
    """A cached cart page is stored under the catalog version: a price change shows at once."""
    product = ProductFactory(price=Decimal("4.00"))
    client = shopper((product, 1, None))
    assert subtotal(client.get(CART)) == subtotal(client.get(CART)) == "$4.00"
    product.price = Decimal("5.00")
    product.save()
    assert subtotal(client.get(CART)) == "$5.00"


def test_a_changed_tax_rate_gives_a_new_catalog_version():
    """Tax rates are part of the cart's totals: saving or deleting one refreshes cached pages."""
    before = catalog_version()
    rate = VatRate.objects.create(country="DE", rate=Decimal("19"))
    assert catalog_version() != before
    before = catalog_version()
    rate.delete()
    assert catalog_version() != before


def test_a_cart_with_a_voucher_is_rendered_every_time():
    """Whether a code still applies depends on other customers' orders: never from the cache."""
    Voucher.objects.create(code="CRANBERRY10", kind="percent", value=Decimal("10"))
    product = ProductFactory(price=Decimal("10.00"))
    client = shopper((product, 1, None))
    client.post(reverse("cart:apply-voucher"), {"code": "cranberry10"})
    client.get(CART)  # shows the "applied" message
    for _ in range(2):
        page = client.get(CART)
        assert page.templates != [] and "CRANBERRY10" in page.content.decode()


def test_a_message_is_shown_on_a_rendered_page():
    """After "Add to cart" the cart page shows its message (a page with messages is rendered)."""
    product = ProductFactory(name="Bog Jam")
    client = shopper((product, 1, None))
    client.get(CART)
    client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": "1"})
    page = client.get(CART)
    assert page.templates != [] and "Added Bog Jam to your cart (2 in cart)." in page.content.decode()
