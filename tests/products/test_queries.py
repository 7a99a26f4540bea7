"""Query counts of the catalog pages do not grow with the catalog, cached or not."""

import pytest
from django.core.cache import cache

from coleman.products.models import Product
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

# Queries of each page when nothing is cached (building the fragment), and when it is.
COLD = {
    "home": 3,  # catalogs, new products, featured products
    "list": 3,  # count, the page's ids (index only), the page's rows
    "catalog": 5,  # catalog, its categories, count, ids, rows
    "category": 5,  # catalog, its categories, count, ids, rows
    "detail": 2,  # product with category and catalog, its details with attributes
}
WARM = dict.fromkeys(COLD, 0)


def fill(store, count):
    """Make the store hold ``count`` more active products (a few per category, some with details)."""
    categories = [store.candles, store.apparel, store.food, store.gifts]
    Product.objects.bulk_create(
        [
            Product(category=categories[n % 4], name=f"Bulk Berry {n:04d}", slug=f"bulk-{n}", price="1.00")
            for n in range(count)
        ]
    )


def urls(store):
    return {
        "home": "/",
        "list": "/products/?page=2",
        "catalog": "/catalogs/fall-collection/?page=1",
        "category": "/catalogs/fall-collection/gifts/",
        "detail": "/products/cranberry-preserves/",
    }


@pytest.mark.parametrize("extra", [0, 500])
@pytest.mark.parametrize("page", list(COLD))
def test_query_counts_are_constant(client, store, django_assert_num_queries, settings, extra, page):
    """Each page costs the same queries with a handful or 500 more products: cold, warm whole-page
    cache (no cookies), warm fragment cache (cookies)."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 2  # so that page 2 of the list exists at both sizes
    fill(store, extra)
    url = urls(store)[page]
    cache.clear()
    with django_assert_num_queries(COLD[page]):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(WARM[page]):  # a cookie-less visitor: the whole page is stored
        assert client.get(url).status_code == 200
    client.cookies["consent"] = "yes"  # any cookie: the page frame is rendered around cached fragments
    with django_assert_num_queries(WARM[page]):
        response = client.get(url)
    assert response.status_code == 200 and response.templates
    cache.clear()
    with django_assert_num_queries(COLD[page]):  # cold again, for a visitor with cookies
        assert client.get(url).status_code == 200


def test_more_attributes_do_not_add_queries(client, store, django_assert_num_queries):
    """The product page reads all its attributes in one query however many there are."""
    from tests.factories import DetailFactory

    for n in range(10):
        DetailFactory(product=store.preserves, attribute__name=f"Trait {n}", value="yes")
    cache.clear()
    with django_assert_num_queries(COLD["detail"]):
        response = client.get("/products/cranberry-preserves/")
    assert response.content.decode().count("<dt>") == 11


def test_deep_categories_do_not_add_queries(client, store, django_assert_num_queries):
    """A deeper category tree is still read in one query."""
    from tests.factories import CategoryFactory

    parent = store.candles
    for depth in range(6):
        parent = CategoryFactory(
            catalog=store.fall, parent=parent, name=f"Level {depth}", slug=f"level-{depth}"
        )
        ProductFactory(category=parent)
    cache.clear()
    with django_assert_num_queries(COLD["category"]):
        response = client.get("/catalogs/fall-collection/gifts/")
    assert "Level 5" in response.content.decode()


def test_next_page_reuses_the_cached_count(client, store, django_assert_num_queries, settings):
    """Once a listing is counted, other pages of it skip the count query."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 1
    client.get("/products/")
    with django_assert_num_queries(COLD["list"] - 1):
        client.get("/products/?page=2")


def test_a_full_page_is_filled_from_the_listing(client, store, settings):
    """The deferred join keeps the listing's order and size."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 3
    fill(store, 10)
    page = client.get("/products/?page=2").content.decode()
    names = [f"Bulk Berry {n:04d}" for n in (3, 4, 5)]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Bulk Berry 0002" not in page and "Bulk Berry 0006" not in page
