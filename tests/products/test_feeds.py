"""RSS and Atom feeds of the catalog, parsed with lxml and checked against the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lxml import etree

from coleman.products.models import Product
from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# A 1×1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def parse(response):
    """The response body as an XML tree (lxml refuses anything malformed)."""
    assert response.status_code == 200, response.content[:300]
    return etree.fromstring(response.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))


def test_rss_lists_newest_active_products_with_template_titles_and_prices(client, store):
    """/feeds/products/ is RSS 2.0: every active product, newest first, titled by name, described
    with name and price (feeds/products_description.html), absolute links and dates; the
    discontinued product is left out."""
    response = client.get("/feeds/products/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse(response)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("channel/item")
    expected = list(Product.objects.active().order_by("-created", "-id"))
    assert [item.findtext("title") for item in items] == [product.name for product in expected]
    preserves = next(item for item in items if item.findtext("title") == "Cranberry Preserves")
    assert "Cranberry Preserves - $4.50" in preserves.findtext("description")
    assert "Tasty jam made from cranberries." in preserves.findtext("description")
    assert preserves.findtext("link") == "http://testserver/products/cranberry-preserves/"
    assert preserves.findtext("pubDate")
    assert "Bog Mouse Pad" not in response.content.decode()


def test_atom_feed_has_the_same_entries(client, store):
    """/feeds/products/atom/ carries the same products as Atom entries with alternate links and dates."""
    root = parse(client.get("/feeds/products/atom/"))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    names = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert sorted(names) == sorted(Product.objects.active().values_list("name", flat=True))
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href").startswith("http://testserver/products/")
    assert first.findtext(f"{ATOM}updated")


def test_photo_is_an_absolute_enclosure(client, db, settings, tmp_path):
    """A product with a photo carries it as an enclosure with an absolute URL and an image type."""
    settings.MEDIA_ROOT = tmp_path
    ProductFactory(name="Bog Poster", slug="bog-poster", photo=SimpleUploadedFile("poster.gif", GIF))
    root = parse(client.get("/feeds/products/"))
    enclosure = root.find("channel/item/enclosure")
    assert enclosure.get("url").startswith("http://testserver/media/product_photo/poster")
    assert enclosure.get("type") == "image/gif"


def test_category_feed_includes_sub_categories(client, store):
    """A category's feed lists the active products of it and its sub-categories only."""
    root = parse(client.get("/feeds/categories/fall-collection/gifts/"))
    names = {item.findtext("title") for item in root.findall("channel/item")}
    assert names == {"Cranberry Scented Candle", "Harvest T-shirt"}
    assert "Gifts" in root.findtext("channel/title")
    atom = parse(client.get("/feeds/categories/fall-collection/gifts/atom/"))
    assert {entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")} == names


def test_unknown_category_feed_is_404(client, store):
    """A category not in the named catalog, or an unknown catalog, has no feed."""
    assert client.get("/feeds/categories/standard-collection/gifts/").status_code == 404
    assert client.get("/feeds/categories/nope/gifts/").status_code == 404
    assert client.get("/feeds/categories/fall-collection/gi%00fts/").status_code == 400  # the NUL guard


def test_deals_feed_lists_products_new_in_the_last_two_weeks(client, db):
    """The deals feed has products created within COLEMAN_FEED_DEALS_DAYS only."""
    fresh = ProductFactory(name="Fresh Jam")
    old = ProductFactory(name="Old Jam")
    Product.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=20))
    root = parse(client.get("/feeds/deals/"))
    names = [item.findtext("title") for item in root.findall("channel/item")]
    assert names == [fresh.name]
    assert parse(client.get("/feeds/deals/atom/")).tag == f"{ATOM}feed"


def test_feed_is_limited_and_reads_a_constant_number_of_queries(client, db, settings, django_assert_num_queries):
    """At most COLEMAN_FEED_ITEMS products, and the same one query with 5 or 40 products (plus
    one for the running offers behind the prices the first time, when they are not cached)."""
    settings.COLEMAN_FEED_ITEMS = 10
    category = CategoryFactory()
    ProductFactory.create_batch(5, category=category, price=Decimal("2.00"))
    with django_assert_num_queries(2):
        assert len(parse(client.get("/feeds/products/")).findall("channel/item")) == 5
    ProductFactory.create_batch(35, category=category)
    with django_assert_num_queries(1):
        assert len(parse(client.get("/feeds/products/")).findall("channel/item")) == 10
    with django_assert_num_queries(3):
        client.get(f"/feeds/categories/{category.catalog.slug}/{category.slug}/")


def test_pages_link_their_feeds(client, store):
    """Home and product list announce the store feeds; a category page its own feed."""
    home = client.get("/").content.decode()
    assert 'rel="alternate" type="application/rss+xml"' in home and 'href="/feeds/products/"' in home
    assert 'href="/feeds/products/atom/"' in client.get("/products/").content.decode()
    category = client.get("/catalogs/fall-collection/gifts/").content.decode()
    assert 'href="/feeds/categories/fall-collection/gifts/"' in category
    assert 'href="/feeds/categories/fall-collection/gifts/atom/"' in category
