"""A shopper browses the catalog in a real browser: home → category → product → price."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories.products import CatalogFactory, CategoryFactory, ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_from_home_to_a_product(live_server, page):
    """From the home page a shopper opens a catalog, a category and a product, and sees its price."""
    fall = CatalogFactory(name="Fall Collection", slug="fall-collection")
    gifts = CategoryFactory(catalog=fall, name="Gifts", slug="gifts")
    candles = CategoryFactory(catalog=fall, parent=gifts, name="Candles", slug="candles")
    ProductFactory(
        category=candles,
        name="Cranberry Scented Candle",
        slug="cranberry-scented-candle",
        price=Decimal("14.00"),
    )

    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("CranStore"))
    page.get_by_role("link", name="Fall Collection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fall Collection")
    page.get_by_role("complementary").get_by_role("link", name="Candles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candles")
    page.get_by_role("link", name="Cranberry Scented Candle").click()
    expect(page).to_have_url(live_server.url + "/products/cranberry-scented-candle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cranberry Scented Candle")
    expect(page.locator(".product-info .price")).to_have_text("$14.00")
