"""Query counts of the catalog pages do not grow with the catalog, cached or not."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client

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
# Served from the cache: whole pages cost nothing, for cookie-less visitors and for visitors
# with cookies alike (their CSRF token and cart summary are filled in per request).
WARM_WITHOUT_COOKIES = dict.fromkeys(COLD, 0)
WARM_WITH_COOKIES = dict.fromkeys(COLD, 0)
CACHED_SESSIONS = "django.contrib.sessions.backends.cached_db"


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


def returning_visitor(*, logged_in=False):
    """A client like a returning shopper's browser: a CSRF cookie and a session holding a
    2-line cart; logged in as a customer with ``logged_in``."""
    client = Client()
    if logged_in:
        user, _ = get_user_model().objects.get_or_create(username="returning", email="returning@example.com")
        client.force_login(user)
    client.get("/products/cranberry-preserves/")
    for product in Product.objects.order_by("pk")[:2]:
        assert client.post(f"/cart/add/{product.pk}/", {"quantity": "1"}).status_code == 302
    client.get("/cart/")  # shows (and so consumes) the "added to your cart" messages
    return client


@pytest.mark.parametrize("size", [1, 500])
@pytest.mark.parametrize("page", list(COLD))
@pytest.mark.parametrize("logged_in", [False, True], ids=["shopper", "customer"])
def test_returning_visitors_cost_no_query_on_a_cached_page(
    shop_of, settings, django_assert_num_queries, size, page, logged_in
):
    """With a session (a cart, or a login too) a cached catalog page costs no query at all
    with the cached sessions of production: the page, the cart summary, the customer's user
    row all come from the cache. With database sessions the session's row is the one query.
    Neither writes the session."""
    shop_of(max(size, 2))
    settings.SESSION_ENGINE = CACHED_SESSIONS
    visitor = returning_visitor(logged_in=logged_in)
    url = URLS[page]
    visitor.get(url)  # fills the caches
    with django_assert_num_queries(0):
        response = visitor.get(url)
    assert response.status_code == 200
    page_text = response.content.decode()
    assert 'class="cart-summary-count">2<' in page_text
    assert ("Log out" in page_text) is logged_in
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    visitor = returning_visitor(logged_in=logged_in)
    visitor.get(url)
    with django_assert_num_queries(1) as captured:  # the session row, read, not written
        assert visitor.get(url).status_code == 200
    assert captured.captured_queries[0]["sql"].startswith("SELECT")


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


def test_a_page_past_the_limit_is_a_clear_404_without_a_query(client, shop_of, settings, django_assert_num_queries):
    """Past ``COLEMAN_PRODUCTS_MAX_PAGES`` a listing answers 404 at once, with a page saying
    why and where to go; the last allowed page offers no "Next"."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 10
    settings.COLEMAN_PRODUCTS_MAX_PAGES = 3
    shop_of(50)
    client.get("/products/")  # the session-less visitor's CSRF cookie, content types
    for url in ("/products/?page=4", "/products/?page=4000", "/catalogs/fall-collection/gifts/?page=4000"):
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response.status_code == 404, url
        assert "We list the first 3 pages of every listing." in response.content.decode()
    last = client.get("/products/?page=3").content.decode()
    assert "Page 3 of 3" in last and 'rel="next"' not in last
