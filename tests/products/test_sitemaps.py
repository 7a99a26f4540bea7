"""/sitemap.xml (index and sections) and /robots.txt, parsed and checked against the catalog."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from coleman.products.models import Catalog, CatalogCategory, Product
from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def body(response):
    """The whole body, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def parse(response):
    """The body as XML (entities off)."""
    content = body(response)
    assert response.status_code == 200, content[:300]
    return etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))


def test_index_lists_the_four_sections_with_lastmod(client, store):
    """The index points at the products, categories, catalogs and pages sections, each dated."""
    root = parse(client.get("/sitemap.xml"))
    locations = root.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert locations == [
        "http://testserver/sitemap-products.xml",
        "http://testserver/sitemap-categories.xml",
        "http://testserver/sitemap-catalogs.xml",
        "http://testserver/sitemap-pages.xml",
    ]
    assert len(root.xpath("//s:sitemap/s:lastmod", namespaces=NS)) == 4


def test_sections_list_exactly_the_public_pages(client, store):
    """Products (active only, dated), categories and catalogs match the database; the pages
    section has the home and product list."""

    def urls(section):
        return parse(client.get(f"/sitemap-{section}.xml")).xpath("//s:url/s:loc/text()", namespaces=NS)

    products = urls("products")
    assert sorted(products) == sorted(
        f"http://testserver{product.get_absolute_url()}" for product in Product.objects.active()
    )
    assert "http://testserver/products/bog-mouse-pad/" not in products
    root = parse(client.get("/sitemap-products.xml"))
    assert len(root.xpath("//s:url/s:lastmod", namespaces=NS)) == len(products)
    assert sorted(urls("categories")) == sorted(
        f"http://testserver{category.get_absolute_url()}" for category in CatalogCategory.objects.all()
    )
    assert sorted(urls("catalogs")) == sorted(
        f"http://testserver{catalog.get_absolute_url()}" for catalog in Catalog.objects.all()
    )
    assert urls("pages") == ["http://testserver/", "http://testserver/products/"]


def test_section_xml_escapes_and_dates(client, db):
    """Section entries are well-formed sitemap XML: escaped locations, ISO dates, changefreq."""
    root = parse(client.get("/sitemap-pages.xml"))
    url = root.find("s:url", namespaces=NS)
    assert url.findtext("s:changefreq", namespaces=NS) == "daily"
    assert url.findtext("s:priority", namespaces=NS) == "0.8"


def test_sections_are_paginated_by_django(client, db, monkeypatch):
    """Past the sitemap limit a section gets pages (?p=2) listed in the index; a page past the end is 404."""
    from coleman.products.sitemaps import ProductSitemap

    monkeypatch.setattr(ProductSitemap, "limit", 3)
    ProductFactory.create_batch(7, category=CategoryFactory())
    index = parse(client.get("/sitemap.xml")).xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert "http://testserver/sitemap-products.xml?p=3" in index
    third = parse(client.get("/sitemap-products.xml?p=3")).xpath("//s:url", namespaces=NS)
    assert len(third) == 1
    assert client.get("/sitemap-products.xml?p=4").status_code == 404
    assert client.get("/sitemap-products.xml?p=x%00").status_code == 400  # refused by the NUL guard
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_queries_do_not_grow_with_the_catalog(client, db):
    """The index and each section read the same number of queries with 3 or 30 products.

    Index: each section's latest change (4) and a count per database section (3). Sections
    (cache cleared): products count, latest change and rows (read while streaming);
    categories count, rows, the latest change (the cache key) and the grouped latest change
    per category, and the section's latest change; catalogs one more for the
    category-to-catalog map."""
    category = CategoryFactory()
    ProductFactory.create_batch(3, category=category)

    def counts():
        result = []
        for url in ["/sitemap.xml", "/sitemap-products.xml", "/sitemap-categories.xml", "/sitemap-catalogs.xml"]:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                assert response.status_code == 200
                body(response)
            result.append(len(queries))
        return result

    small = counts()
    ProductFactory.create_batch(27, category=category)
    assert counts() == small
    assert small == [7, 3, 5, 6]


def test_robots_txt_names_the_sitemap_and_private_paths(client, db):
    """robots.txt is plain text, points at the absolute sitemap and disallows the private parts."""
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ["/cart/", "/checkout/", "/accounts/", "/orders/", "/admin/", "/api/"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
