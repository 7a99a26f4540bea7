"""Query counts of the catalog pages do not grow with the catalog, cached or not."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from coleman.products.models import Product
from tests.factories.products import CategoryFactory, DetailFactory, ProductFactory

pytestmark = pytest.mark.django_db

# What the ratings app adds: one query for the summaries of a product list; on the product
# page (rendered live, around the cached catalog fragment) the summary and the reviews.
RATINGS = 1 if apps.is_installed("coleman.ratings") else 0

# Prices shown are Product.get_price(): the running offers are read once (one query) when
# nothing is cached, however many products the page shows.
OFFERS = 1 if apps.is_installed("coleman.offers") else 0
# The display-currency chooser under a product's price reads the offered rates once (cached).
CURRENCIES = 1 if apps.is_installed("coleman.currencies") else 0
# The header's category menu (top categories with their catalogs), cached like the fragments.
MENU = 1

# Queries of each page when nothing is cached (building the fragment), and when it is.
COLD = {
    "home": MENU + 3 + RATINGS + OFFERS,  # catalogs, new products, featured products (+ rating summaries)
    "list": MENU + 3 + RATINGS + OFFERS,  # count, the page's ids (index only), the page's rows (+ summaries)
    "catalog": MENU + 5 + RATINGS + OFFERS,  # catalog, its categories, count, ids, rows (+ summaries)
    "category": MENU + 5 + RATINGS + OFFERS,  # catalog, its categories, count, ids, rows (+ summaries)
    # product with category and catalog, the catalog's categories (breadcrumbs), its details,
    # its active variants (+ summary, reviews)
    "detail": MENU + 4 + 2 * RATINGS + OFFERS + CURRENCIES,
}
# Served from the cache: whole pages for cookie-less visitors cost nothing; for visitors with
# cookies the page frame is rendered around the cached fragments, and the product page's live
# parts (the shopper's rating tool, reviews) read theirs.
WARM_WITHOUT_COOKIES = dict.fromkeys(COLD, 0)
WARM_WITH_COOKIES = {**WARM_WITHOUT_COOKIES, "detail": 2 * RATINGS}


@pytest.fixture(autouse=True)
def _content_types_known():
    """Content types are cached per process once read; read them first so the counts below
    do not depend on which test ran before."""
    ContentType.objects.get_for_model(Product)


@pytest.fixture
def shop_of(db):
    """Build a catalog (Gifts → Candles) holding exactly ``size`` active products; the first
    one, "Cranberry Preserves", has an attribute."""

    def build(size):
        gifts = CategoryFactory(catalog__slug="fall-collection", name="Gifts", slug="gifts")
        candles = CategoryFactory(catalog=gifts.catalog, parent=gifts, name="Candles", slug="candles")
        first = ProductFactory(category=candles, name="Cranberry Preserves", slug="cranberry-preserves")
        DetailFactory(product=first, attribute__name="Tartness", value="Extremely Tart")
        Product.objects.bulk_create(
            [
                Product(
                    category=(gifts, candles)[n % 2],
                    name=f"Bulk Berry {n:04d}",
                    slug=f"bulk-{n}",
                    price="1.00",
                )
                for n in range(size - 1)
            ]
        )
        assert Product.objects.active().count() == size

    return build


URLS = {
    "home": "/",
    "list": "/products/",
    "catalog": "/catalogs/fall-collection/",
    "category": "/catalogs/fall-collection/gifts/",
    "detail": "/products/cranberry-preserves/",
}


@pytest.mark.parametrize("size", [1, 500])
@pytest.mark.parametrize("page", list(COLD))
def test_query_counts_are_constant(client, shop_of, django_assert_num_queries, size, page):
    """Each page costs the same queries with 1 or 500 products: cold, warm whole-page cache
    (no cookies), warm fragment cache (cookies)."""
    shop_of(size)
    url = URLS[page]
    cache.clear()
    with django_assert_num_queries(COLD[page]):
        assert client.get(url).status_code == 200
    client.cookies.clear()  # a new cookie-less visitor (the product page gave a CSRF cookie)
    with django_assert_num_queries(WARM_WITHOUT_COOKIES[page]):  # the whole page is stored
        assert client.get(url).status_code == 200
    client.cookies["consent"] = "yes"  # any cookie: the page frame is rendered around cached fragments
    with django_assert_num_queries(WARM_WITH_COOKIES[page]):
        response = client.get(url)
    assert response.status_code == 200 and response.templates
    cache.clear()
    with django_assert_num_queries(COLD[page]):  # cold again, for a visitor with cookies
        assert client.get(url).status_code == 200


def test_a_deep_page_costs_the_same_queries(client, shop_of, django_assert_num_queries, settings):
    """The last page of a long listing costs what the first one does."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 10
    shop_of(500)
    with django_assert_num_queries(COLD["list"]):
        response = client.get("/products/?page=50")
    assert "Page 50 of 50" in response.content.decode()


def test_more_attributes_do_not_add_queries(client, store, django_assert_num_queries):
    """The product page reads all its attributes in one query however many there are."""
    for n in range(10):
        DetailFactory(product=store.preserves, attribute__name=f"Trait {n}", value="yes")
    cache.clear()
    with django_assert_num_queries(COLD["detail"]):
        response = client.get("/products/cranberry-preserves/")
    assert response.content.decode().count("<dt>") == 11


def test_deep_categories_do_not_add_queries(client, store, django_assert_num_queries):
    """A deeper category tree is still read in one query."""
    parent = store.candles
    for depth in range(6):
        parent = CategoryFactory(catalog=store.fall, parent=parent, name=f"Level {depth}", slug=f"level-{depth}")
        ProductFactory(category=parent)
    cache.clear()
    with django_assert_num_queries(COLD["category"]):
        response = client.get("/catalogs/fall-collection/gifts/")
    assert "Level 5" in response.content.decode()


def test_next_page_reuses_the_cached_count(client, store, django_assert_num_queries, settings):
    """Once a listing is counted, other pages of it skip the count query (and the running
    offers, cached by the first page, cost nothing either)."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 1
    client.get("/products/")
    with django_assert_num_queries(COLD["list"] - 1 - MENU - OFFERS):  # the menu and offers are cached too
        client.get("/products/?page=2")


def test_a_full_page_is_filled_from_the_listing(client, store, settings):
    """The deferred join keeps the listing's order and size."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 3
    Product.objects.bulk_create(
        [Product(category=store.food, name=f"Bulk Berry {n:04d}", slug=f"bulk-{n}", price="1.00") for n in range(10)]
    )
    page = client.get("/products/?page=2").content.decode()
    names = [f"Bulk Berry {n:04d}" for n in (3, 4, 5)]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Bulk Berry 0002" not in page and "Bulk Berry 0006" not in page
