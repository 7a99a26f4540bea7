"""The header's category menu and the breadcrumb trail of category and product pages."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coleman.products.menu import category_menu
from tests.factories.products import CatalogFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def menu_of(page: str) -> str:
    """The header's category menu in a page."""
    return re.search(r'<nav class="category-menu".*?</nav>', page, re.S).group(0)


def crumbs_of(page: str) -> list[str]:
    """The breadcrumb trail of a page, as its labels."""
    trail = re.search(r'<nav class="breadcrumbs.*?</nav>', page, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", trail, re.S)]


def test_menu_lists_each_catalog_with_its_top_categories(client, store):
    """Every page's header has a "Shop by category" nav: each catalog with a link to it and to
    its top-level categories (not the sub-categories)."""
    menu = menu_of(client.get("/cart/").content.decode())
    assert 'aria-label="Shop by category"' in menu
    assert "<summary>Fall Collection</summary>" in menu and "<summary>Standard Collection</summary>" in menu
    assert 'href="/catalogs/fall-collection/">All of Fall Collection</a>' in menu
    assert 'href="/catalogs/fall-collection/gifts/">Gifts</a>' in menu
    assert 'href="/catalogs/fall-collection/food/">Food</a>' in menu
    assert 'href="/catalogs/standard-collection/drinks/">Drinks</a>' in menu
    assert "Candles" not in menu  # a sub-category of Gifts


@pytest.mark.parametrize("catalogs", [1, 8])
def test_menu_is_one_query_then_cached(django_assert_num_queries, catalogs):
    """Building the menu is one query whatever the number of catalogs and categories; once built
    it costs none until the catalog changes, and a new category then shows at once."""
    for n in range(catalogs):
        catalog = CatalogFactory(name=f"Catalog {n}", slug=f"catalog-{n}")
        for m in range(5):
            parent = CategoryFactory(catalog=catalog, name=f"Top {m}", slug=f"top-{m}")
            CategoryFactory(catalog=catalog, parent=parent, name=f"Sub {m}", slug=f"sub-{m}")
    cache.clear()
    with django_assert_num_queries(1):
        menu = category_menu()
    assert [len(entry.categories) for entry in menu] == [5] * catalogs
    with django_assert_num_queries(0):
        assert category_menu() == menu
    CategoryFactory(catalog=catalog, name="Brand New", slug="brand-new")
    assert ("Brand New", f"/catalogs/catalog-{catalogs - 1}/brand-new/") in category_menu()[-1].categories


def test_product_and_category_pages_share_the_whole_trail(client, store):
    """A product's breadcrumbs are its category's breadcrumbs (every level, none skipped) with
    the category linked, then the product."""
    category_page = client.get("/catalogs/fall-collection/candles/").content.decode()
    assert crumbs_of(category_page) == ["Home", "Fall Collection", "Gifts", "Candles"]
    product_page = client.get("/products/cranberry-scented-candle/").content.decode()
    assert crumbs_of(product_page) == ["Home", "Fall Collection", "Gifts", "Candles", "Cranberry Scented Candle"]
    assert '<li><a href="/catalogs/fall-collection/gifts/">Gifts</a></li>' in product_page
    assert '<li><a href="/catalogs/fall-collection/candles/">Candles</a></li>' in product_page
    assert '<li aria-current="page">Cranberry Scented Candle</li>' in product_page


def test_a_deep_product_trail_costs_no_query_per_level(client, store):
    """However deep its category, the product page reads the trail in one query (the catalog's
    categories), so a five-level trail costs what a one-level one does."""
    parent = store.candles
    for depth in range(4):
        parent = CategoryFactory(catalog=store.fall, parent=parent, name=f"Level {depth}", slug=f"level-{depth}")
    ProductFactory(category=parent, name="Deep Jam", slug="deep-jam")
    ProductFactory(category=store.drinks, name="Shallow Jam", slug="shallow-jam")
    client.get("/")  # content types and the like, read once per process
    counts = {}
    for slug in ("shallow-jam", "deep-jam"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            page = client.get(f"/products/{slug}/").content.decode()
        counts[slug] = len(captured)
    assert crumbs_of(page)[-3:] == ["Level 2", "Level 3", "Deep Jam"]
    assert counts["shallow-jam"] == counts["deep-jam"]
