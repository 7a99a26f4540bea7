"""The search pages over a real Whoosh index: results, empty queries, bad input, queries run."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coleman.products.cache import catalog_changed_by_update
from tests.factories.products import CategoryFactory, ProductFactory, cranberry_catalog

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture
def catalog(search_index):
    """The small cranberry catalog, indexed."""
    products = cranberry_catalog()
    search_index.rebuild()
    return products


def test_results_page_shows_count_highlights_and_links(client, catalog):
    """A search lists the matching products with their count, price, link and marked words."""
    response = client.get(URL, {"q": "cranberries"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 results" in body
    assert 'href="/products/cranberry-sauce/"' in body
    assert "<mark>cranberries</mark>" in body
    assert "$4.50" in body
    assert "Chutney" not in body


def test_header_has_search_form_on_every_page(client, catalog):
    """Every page has a labelled search box with a "Search" button that works without JavaScript."""
    body = client.get("/").content.decode()
    assert 'role="search"' in body and 'action="/search/"' in body
    assert '<label for="site-search"' in body
    assert ">Search</button>" in body
    assert 'data-autocomplete-url="/search/autocomplete/"' in body


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_empty_query_shows_friendly_page(client, query):
    """An empty or blank query answers 200 with help, not an error or every product."""
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "Type what you are looking for" in response.content.decode()


def test_no_parameters_at_all(client):
    """/search/ without a query string shows the same friendly page."""
    response = client.get(URL)
    assert response.status_code == 200
    assert "Search the store" in response.content.decode()


def test_no_results_page(client, catalog):
    """A query that matches nothing says so and offers a way on."""
    body = client.get(URL, {"q": "zucchini"}).content.decode()
    assert "No products match" in body and "0 results" in body


def test_did_you_mean_link(client, catalog):
    """A misspelling offers the corrected query as a link."""
    body = client.get(URL, {"q": "cranbery"}).content.decode()
    assert 'Did you mean <a href="?q=cranberry">cranberry</a>?' in body


def test_filter_links_with_counts(client, catalog):
    """Filter choices appear with their counts and link to the filtered results."""
    body = client.get(URL, {"q": "sauce"}).content.decode()
    assert 'Fall Collection</a> <span class="facet-count">(2)</span>' in body
    assert 'href="?q=sauce&amp;catalog=gifts"' in body
    filtered = client.get(URL, {"q": "sauce", "catalog": "gifts"}).content.decode()
    assert "1 result" in filtered and "Holiday Gift Basket" in filtered
    assert "Clear all filters" in filtered


def test_sort_by_price_on_page(client, catalog):
    """The sort choice orders results by price."""
    body = client.get(URL, {"q": "cranberry", "sort": "-price"}).content.decode()
    assert body.index("Orange Relish") < body.index("Cranberry Sauce") < body.index("CranStore Cranberry Juice")


def test_pages_of_results(client, search_index, settings):
    """Results beyond a page are reached with Next/Previous links; past the end is a 404."""
    settings.COLEMAN_SEARCH_RESULTS_PER_PAGE = 5
    category = CategoryFactory()
    for n in range(12):
        ProductFactory(category=category, name=f"Bog Jam {n:02d}", price=Decimal(n + 1))
    search_index.rebuild()
    body = client.get(URL, {"q": "jam", "sort": "price", "page": 3}).content.decode()
    assert "Page 3 of 3" in body and "Bog Jam 10" in body and "Bog Jam 00" not in body
    assert 'href="?q=jam&amp;sort=price&amp;page=2"' in body
    assert client.get(URL, {"q": "jam", "page": 4}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        'cranberry "sauce',
        '"',
        "cranberry AND OR NOT",
        "( [ { } ] ) ^ ~ * ? : \\ / + - ! & |",
        "name:cranberry",
        "*",
        "cranb*",
        "-",
        "sauce~2",
        "NOT",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "ünïcödé 蔓越莓 🍒",
    ],
)
def test_syntax_characters_never_break_the_page(client, catalog, query):
    """Search syntax, unbalanced quotes and markup give a results page, never a 500."""
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_nul_bytes_are_refused_with_400(client, catalog):
    """A NUL byte in the query is answered with 400 and a clear message (by the store's guard)."""
    response = client.get(URL, {"q": "cran\x00berry"})
    assert response.status_code == 400
    assert "characters that are not allowed" in response.content.decode()


def test_long_query_is_refused_with_400(client, catalog):
    """A query over the length limit gets a 400 that says why."""
    response = client.get(URL, {"q": "cranberry " * 30})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_ten_kilobyte_query_string_is_refused_with_400(client, catalog):
    """A 10 KB query string is stopped with 400 before the search runs."""
    response = client.get(URL + "?q=" + "a" * 10_240)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"q": "sauce", "page": "abc"},
        {"q": "sauce", "page": "0"},
        {"q": "sauce", "category": "x"},
        {"q": "sauce", "price": "cheap"},
        {"q": "sauce", "price": "50-10"},
        {"q": "sauce", "price": "NaN-"},
        {"q": "sauce", "sort": "name; drop table"},
        {"q": "sauce", "catalog": "../../etc"},
    ],
)
def test_bad_parameters_get_400(client, catalog, params):
    """Malformed page, filter or sort parameters answer 400 with the search form, never 500."""
    response = client.get(URL, params)
    assert response.status_code == 400
    assert "We could not search for that" in response.content.decode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_any_text_gives_results_or_400(client, catalog, query):
    """Whatever the shopper types, the answer is a page (200) or a clear 400."""
    response = client.get(URL, {"q": query})
    assert response.status_code in (200, 400)


def test_inactive_product_never_shown_even_if_still_indexed(client, catalog, settings):
    """A product deactivated while the index is stale (real-time off) is still not shown."""
    settings.COLEMAN_SEARCH_REALTIME = False
    product = catalog["sauce"]
    product.is_active = False
    product.save()
    body = client.get(URL, {"q": "cranberry"}).content.decode()
    assert "Orange Relish" in body
    assert "/products/cranberry-sauce/" not in body


def _make_products(count):
    category = CategoryFactory()
    for n in range(count):
        ProductFactory(category=category, name=f"Bog Jam {n}", price=Decimal(n % 50 + 1))


@pytest.mark.parametrize("count", [3, 60])
def test_results_page_queries_do_not_grow(client, search_index, django_assert_num_queries, count):
    """The results page runs one query (the active check of the page's hits), whatever the size."""
    _make_products(count)
    search_index.rebuild()
    # + the header's category menu (cached once built) + the stock of the page's hits
    with django_assert_num_queries(1 + 1 + 1):
        response = client.get(URL, {"q": "jam"})
    assert response.status_code == 200
    assert f"{count} results" in response.content.decode()


def test_product_page_shows_more_like_this(client, catalog):
    """The product page lists similar products from the index."""
    body = client.get(reverse("products:detail", kwargs={"slug": "cranberry-sauce"})).content.decode()
    assert "More like this" in body
    section = body[body.index("More like this") :]
    assert "/products/cranberry-sauce/" not in section


@pytest.mark.parametrize("count", [3, 30])
def test_product_page_queries_with_more_like_this(client, search_index, settings, count):
    """ "More like this" adds one query (the active check) to the product page, whatever the catalog size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coleman.products.models import Product

    _make_products(count)
    search_index.rebuild()
    url = reverse("products:detail", kwargs={"slug": Product.objects.first().slug})
    client.get(url)  # per-process caches (content types) are filled; then start cold
    cache.clear()
    with CaptureQueriesContext(connection) as with_mlt:
        response = client.get(url)
    assert "More like this" in response.content.decode()
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.simple.SimpleSearchBackend"
    cache.clear()
    with CaptureQueriesContext(connection) as without_mlt:
        response = client.get(url)
    assert "More like this" not in response.content.decode()
    assert len(with_mlt) == len(without_mlt) + 1


def test_more_like_this_degrades_quietly(client, catalog, settings):
    """With a backend that cannot tell, the product page simply has no such section."""
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.simple.SimpleSearchBackend"
    response = client.get(reverse("products:detail", kwargs={"slug": "cranberry-sauce"}))
    assert response.status_code == 200
    assert "More like this" not in response.content.decode()


def test_autocomplete_endpoint(client, catalog):
    """The JSON endpoint returns product names and URLs for a prefix, active products only."""
    data = client.get(reverse("search:autocomplete"), {"q": "cran"}).json()
    names = {r["name"] for r in data["results"]}
    assert "Cranberry Sauce" in names and "CranStore Cranberry Juice" in names
    assert not any("Chutney" in n for n in names)
    assert {"name": "Cranberry Sauce", "url": "/products/cranberry-sauce/"} in data["results"]


@pytest.mark.parametrize("query", ["", "c", '"', "*", "( ) :", "x" * 150])
def test_autocomplete_odd_input(client, catalog, query):
    """Short, empty or odd prefixes give an empty or valid list, never an error."""
    response = client.get(reverse("search:autocomplete"), {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_result_cards_say_out_of_stock_and_only_n_left(client, search_index):
    """Result cards say "Out of stock" and "Only N left" like the catalog's cards, from the
    current stock (a sale changes it without touching the index, and refreshes cached pages)."""
    category = CategoryFactory()
    ProductFactory(category=category, name="Bog Jam Plenty", stock=40)
    few = ProductFactory(category=category, name="Bog Jam Few", stock=2)
    ProductFactory(category=category, name="Bog Jam Gone", stock=0)
    search_index.rebuild()
    page = client.get(URL, {"q": "jam"}).content.decode()
    assert page.count('<p class="stock stock-out">Out of stock</p>') == 1
    assert page.count('<p class="stock stock-low">Only 2 left</p>') == 1
    type(few).objects.filter(pk=few.pk).update(stock=1)  # as a sale does: no signal, no reindex,
    catalog_changed_by_update()  # but the cached pages are told the catalog changed
    assert "Only 1 left" in client.get(URL, {"q": "jam"}).content.decode()


def test_autocomplete_nul_is_a_json_400(client, catalog):
    """A NUL in the prefix is refused at the door, in JSON for the script that asked."""
    response = client.get(reverse("search:autocomplete"), {"q": "\x00"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "not allowed" in response.json()["detail"]
