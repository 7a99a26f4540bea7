"""The book's simple search: every word, case-insensitive, in name or description."""

import pytest

from coleman.search.backends import get_backend
from coleman.search.backends.base import SearchRequest
from coleman.search.backends.simple import SimpleSearchBackend
from tests.factories.products import cranberry_catalog

pytestmark = pytest.mark.django_db

SIMPLE = "coleman.search.backends.simple.SimpleSearchBackend"


def names(text, **kwargs):
    return [h.name for h in SimpleSearchBackend().search(SearchRequest(text=text, **kwargs)).hits]


def test_every_word_case_insensitive():
    """Every word must appear, in any case, in the name or description."""
    cranberry_catalog()
    assert names("CRANBERRY juice") == ["CranStore Cranberry Juice"]
    # No stemming here: "cranberries" (the relish) does not contain "cranberry".
    assert set(names("cranberry")) == {"Cranberry Sauce", "CranStore Cranberry Juice"}
    assert names("cranberry cider") == []


def test_inactive_products_hidden():
    """Inactive products never match."""
    cranberry_catalog()
    assert names("chutney") == []


def test_filters_and_counts_work_too():
    """The simple backend gets the same filters and counts as the others."""
    cranberry_catalog()
    outcome = SimpleSearchBackend().search(SearchRequest(text="cranberry", manufacturer="CranStore"))
    assert [h.name for h in outcome.hits] == ["CranStore Cranberry Juice"]
    assert {c.value: c.count for c in outcome.facets["manufacturer"]} == {"Bog Kitchens": 1, "CranStore": 1}


def test_highlight_exact_words():
    """Excerpts mark the words searched."""
    cranberry_catalog()
    hit = SimpleSearchBackend().search(SearchRequest(text="oranges")).hits[0]
    assert "<mark>oranges</mark>" in hit.highlighted


def test_like_wildcards_are_literal():
    """% and _ in a query are characters to find, not SQL wildcards."""
    cranberry_catalog()
    assert names("%") == [] and names("_") == []


@pytest.mark.parametrize("count", [3, 40])
def test_results_page_queries(client, settings, django_assert_num_queries, count):
    """On the simple backend the results page is one query whatever the number of results."""
    from tests.factories.products import CategoryFactory, ProductFactory

    settings.COLEMAN_SEARCH_BACKEND = SIMPLE
    category = CategoryFactory()
    for n in range(count):
        ProductFactory(category=category, name=f"Bog Jam {n}")
    # + the header's category menu (cached once built) + the stock of the page's hits
    with django_assert_num_queries(1 + 1 + 1):
        response = client.get("/search/", {"q": "jam"})
    assert f"{count} results" in response.content.decode()


def test_simple_is_the_fallback_without_haystack(settings):
    """Without haystack installed the store falls back to the simple search."""
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "haystack"]
    assert isinstance(get_backend(), SimpleSearchBackend)


def test_header_search_without_haystack(client, settings):
    """With haystack removed from the settings, the header search still finds products."""
    cranberry_catalog()
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "haystack"]
    response = client.get("/search/", {"q": "orange relish"})
    assert response.status_code == 200
    assert "/products/orange-relish/" in response.content.decode()
