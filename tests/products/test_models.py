"""The catalog models: names, URLs, slugs and the product query helpers."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coleman.products.models import CatalogCategory, Product
from tests.factories.products import CatalogFactory, CategoryFactory, DetailFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_category_str_names_catalog_parent_and_category(store):
    """A sub-category reads "Catalog: Parent - Name", a top-level one "Catalog: Name" (as in the book)."""
    assert str(store.candles) == "Fall Collection: Gifts - Candles"
    assert str(store.gifts) == "Fall Collection: Gifts"


def test_other_models_str(store):
    """Catalogs, products, attributes and details print their names; a detail reads like the book's table."""
    assert str(store.fall) == "Fall Collection"
    assert str(store.preserves) == "Cranberry Preserves"
    assert str(store.tartness) == "Tartness"
    assert str(store.tart_detail) == "Cranberry Preserves: Tartness - Extremely Tart"


def test_absolute_urls(store):
    """Every catalog model with a page knows its public URL."""
    assert store.fall.get_absolute_url() == "/catalogs/fall-collection/"
    assert store.candles.get_absolute_url() == "/catalogs/fall-collection/candles/"
    assert store.preserves.get_absolute_url() == "/products/cranberry-preserves/"


def test_product_slug_is_unique():
    """Two products cannot share a slug (their URLs would clash)."""
    ProductFactory(slug="jam")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(slug="jam")


def test_catalog_slug_is_unique():
    """Two catalogs cannot share a slug."""
    CatalogFactory(slug="fall")
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogFactory(slug="fall")


def test_category_slug_is_unique_within_its_catalog_only():
    """A category slug may repeat across catalogs but not within one."""
    gifts = CategoryFactory(slug="gifts")
    CategoryFactory(slug="gifts")  # another catalog: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryFactory(catalog=gifts.catalog, slug="gifts")


def test_a_product_has_each_attribute_once(store):
    """A product cannot carry two values of the same attribute."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DetailFactory(product=store.preserves, attribute=store.tartness, value="Mild")


def test_negative_price_and_weight_are_invalid(store):
    """Model validation refuses a negative price or weight."""
    store.candle.price = Decimal("-1.00")
    store.candle.weight = Decimal("-0.5")
    with pytest.raises(ValidationError) as excinfo:
        store.candle.full_clean()
    assert set(excinfo.value.message_dict) == {"price", "weight"}


def test_active_and_in_stock(store):
    """``active()`` hides discontinued products; blank stock means untracked, 0 means sold out."""
    assert store.mouse_pad not in Product.objects.active()
    assert store.candle in Product.objects.active()
    store.candle.stock = None
    assert store.candle.in_stock
    store.candle.stock = 0
    assert not store.candle.in_stock
    store.candle.stock = 2
    assert store.candle.in_stock


def test_product_catalog_goes_through_its_category(store):
    """A product's catalog is its category's catalog."""
    assert store.candle.catalog == store.fall


def test_category_tree_relations(store):
    """Children are reachable from the parent, products from the category."""
    assert set(store.gifts.children.all()) == {store.candles, store.apparel}
    assert list(store.candles.products.all()) == [store.candle]
    assert CatalogCategory.objects.filter(catalog=store.fall).count() == 4


def test_deleting_a_category_with_products_is_refused(store):
    """Products protect their category from deletion (no silent loss of products)."""
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        store.candles.delete()
