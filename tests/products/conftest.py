"""Fixtures of the catalog tests: a small CranStore with a category tree."""

from decimal import Decimal

import pytest

from tests.factories.products import AttributeFactory, CatalogFactory, CategoryFactory, DetailFactory, ProductFactory


@pytest.fixture
def store(db):
    """Two catalogs; "Fall Collection" has Gifts → Candles and Apparel, and Food.

    Products: a candle (in Candles), a T-shirt (in Apparel), preserves (in Food) with a
    Tartness detail, a discontinued mouse pad (in Gifts), and a standard-collection juice.
    """

    class Store:
        fall = CatalogFactory(name="Fall Collection", slug="fall-collection")
        standard = CatalogFactory(name="Standard Collection", slug="standard-collection")
        gifts = CategoryFactory(catalog=fall, name="Gifts", slug="gifts")
        candles = CategoryFactory(catalog=fall, parent=gifts, name="Candles", slug="candles")
        apparel = CategoryFactory(catalog=fall, parent=gifts, name="Apparel", slug="apparel")
        food = CategoryFactory(catalog=fall, name="Food", slug="food")
        drinks = CategoryFactory(catalog=standard, name="Drinks", slug="drinks")
        candle = ProductFactory(
            category=candles,
            name="Cranberry Scented Candle",
            slug="cranberry-scented-candle",
            price=Decimal("14.00"),
            is_featured=True,
        )
        shirt = ProductFactory(category=apparel, name="Harvest T-shirt", slug="harvest-t-shirt", price=Decimal("18.00"))
        preserves = ProductFactory(
            category=food,
            name="Cranberry Preserves",
            slug="cranberry-preserves",
            price=Decimal("4.50"),
            description="Tasty jam made from cranberries.",
        )
        mouse_pad = ProductFactory(category=gifts, name="Bog Mouse Pad", slug="bog-mouse-pad", is_active=False)
        juice = ProductFactory(category=drinks, name="Cranberry Juice", slug="cranberry-juice", price=Decimal("3.99"))
        tartness = AttributeFactory(name="Tartness")
        tart_detail = DetailFactory(product=preserves, attribute=tartness, value="Extremely Tart")

    return Store
