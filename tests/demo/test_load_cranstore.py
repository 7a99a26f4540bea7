"""``manage.py load_cranstore``: the book's demo catalog, safe to run again, plus bulk products."""

import io
import os
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from coleman.offers.models import Offer, Voucher
from coleman.products.models import Catalog, CatalogCategory, Product, ProductDetail
from coleman.tax.models import SalesTaxRate
from ecommerce_book.demo.filler import create_extra_products

pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_cranstore", *args, stdout=out)
    return out.getvalue()


def counts():
    return (
        Catalog.objects.count(),
        CatalogCategory.objects.count(),
        Product.objects.count(),
        ProductDetail.objects.count(),
    )


def test_loads_the_books_catalog():
    """Both collections, the Gifts sub-categories and the book's tartness details are there."""
    load("--no-photos")
    assert set(Catalog.objects.values_list("name", flat=True)) == {"Fall Collection", "Standard Collection"}
    candles = CatalogCategory.objects.get(catalog__name="Fall Collection", slug="candles")
    assert str(candles) == "Fall Collection: Gifts - Candles"
    gifts = CatalogCategory.objects.get(catalog__name="Standard Collection", slug="gifts")
    assert {c.name for c in gifts.children.all()} == {"Candles", "Apparel"}
    for name in ["Food", "Drinks", "Desserts", "Gifts"]:
        assert CatalogCategory.objects.filter(catalog__name="Standard Collection", name=name, parent=None).exists()
    tartness = dict(ProductDetail.objects.filter(attribute__name="Tartness").values_list("product__name", "value"))
    assert tartness["Premium Cranberries"] == "Highly Tart"
    assert tartness["Cranberry Preserves"] == "Extremely Tart"
    products = Product.objects.all()
    assert products.count() >= 20
    assert products.filter(is_featured=True).count() >= 4
    assert products.filter(stock__isnull=False).exists() and products.filter(stock__isnull=True).exists()
    # Everything that ships has a weight; digital goods (the cookbook, the video…) need none.
    assert not products.filter(is_digital=False, weight__isnull=True).exists()
    assert products.filter(is_digital=True, name="The CranStore Cookbook").exists()
    assert products.filter(name__icontains="T-shirt").exists()
    assert products.filter(name="Cranberry Scented Candle", price=Decimal("14.00")).exists()


def test_draws_a_picture_for_each_product_once():
    """Every product gets a 480×480 PNG picture; a second run writes no file."""
    load()
    products = list(Product.objects.all())
    assert all(product.photo for product in products)
    with Image.open(products[0].photo.path) as image:
        assert image.format == "PNG" and image.size == (480, 480)
    stamps = {product.photo.name: os.stat(product.photo.path).st_mtime_ns for product in products}
    output = load()
    assert "0 pictures were new" in output
    assert {p.photo.name: os.stat(p.photo.path).st_mtime_ns for p in Product.objects.all()} == stamps


def test_a_lost_picture_is_drawn_again(settings):
    """If a picture file has gone from storage, the next run draws it again."""
    load()
    jam = Product.objects.get(slug="cranberry-preserves")
    os.remove(jam.photo.path)
    assert "1 pictures were new" in load()
    jam.refresh_from_db()
    assert os.path.exists(jam.photo.path)


def test_running_again_changes_nothing_and_keeps_staff_edits():
    """A second run adds no rows and leaves what staff changed alone."""
    first = load("--no-photos")
    assert "2 catalogs" in first
    before = counts()
    Product.objects.filter(slug="cranberry-preserves").update(price=Decimal("5.00"))
    second = load("--no-photos")
    assert "0 catalogs, 0 categories, 0 products, 0 details" in second
    assert counts() == before
    assert Product.objects.get(slug="cranberry-preserves").price == Decimal("5.00")


def test_extra_products_in_bulk_with_a_progress_bar():
    """--extra N adds N numbered products without photos, shows progress, and is idempotent too."""
    output = load("--no-photos", "--extra", "30")
    assert "100% 30/30" in output and "Generating products [" in output
    extras = Product.objects.filter(slug__startswith="extra-")
    assert extras.count() == 30
    assert not extras.exclude(photo="").exists()
    assert extras.filter(is_active=True).count() == 30  # one in fifty is discontinued: none of 1–30
    assert "0 generated products added" in load("--no-photos", "--extra", "30")
    assert "20 generated products added" in load("--no-photos", "--extra", "50")
    assert extras.count() == 50 and extras.filter(is_active=False).count() == 1


def test_extra_products_fill_leaf_categories():
    """Generated products go into categories without sub-categories."""
    load("--no-photos", "--extra", "40")
    used = CatalogCategory.objects.filter(products__slug__startswith="extra-").distinct()
    assert used.exists() and not used.filter(children__isnull=False).exists()


def test_negative_extra_is_refused():
    """A negative --extra is a clear command error."""
    with pytest.raises(CommandError, match="zero or more"):
        load("--extra", "-1")


def test_bulk_products_show_on_cached_pages_at_once(client, settings):
    """Filler products go in with ``bulk_create`` (no signals), and the loader bumps the
    catalog version itself: they show on a product list that was cached before."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 100
    load("--no-photos")
    assert "No. 1</h3>" not in client.get("/products/").content.decode()
    create_extra_products(3)
    page = client.get("/products/").content.decode()
    for number in (1, 2, 3):
        assert f"No. {number}</h3>" in page


def test_demo_has_the_cranberry10_voucher_an_automatic_offer_and_massachusetts_tax():
    """The demo adds CRANBERRY10 (10% off the order, no end), "3 for 2 on Food" and MA 6.25%, once."""
    load()
    voucher = Voucher.objects.get(code="CRANBERRY10")
    assert (voucher.kind, voucher.value, voucher.ends_at, voucher.category) == ("percent", 10, None, None)
    offer = Offer.objects.get()
    assert (offer.kind, offer.buy_quantity, offer.pay_quantity, offer.category.slug) == ("multibuy", 3, 2, "food")
    assert SalesTaxRate.objects.get().rate == Decimal("6.25")
    load()
    assert (Voucher.objects.count(), Offer.objects.count(), SalesTaxRate.objects.count()) == (1, 1, 1)


def test_demo_t_shirts_come_in_sizes_and_preserves_in_jar_sizes():
    """Both T-shirts have S, M, L and XL (own SKU and stock); the preserves an 8 oz and a 16 oz jar
    with their own prices."""
    load()
    shirt = Product.objects.get(slug="cranstore-t-shirt")
    assert [v.name for v in shirt.variants.order_by("position")] == ["S", "M", "L", "XL"]
    jars = {v.name: v.list_price for v in Product.objects.get(slug="cranberry-preserves").variants.all()}
    assert jars == {"8 oz jar": Decimal("4.50"), "16 oz jar": Decimal("7.95")}
