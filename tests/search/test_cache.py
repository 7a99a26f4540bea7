"""Cached searches: a repeated search costs no engine query and no SQL, and is never stale."""

from decimal import Decimal

import pytest

from coleman.search.backends.haystack import HaystackSearchBackend
from tests.factories.products import cranberry_catalog

pytestmark = pytest.mark.django_db

URL = "/search/"


@pytest.fixture
def catalog(search_index):
    """The small cranberry catalog, indexed."""
    products = cranberry_catalog()
    search_index.rebuild()
    return products


@pytest.fixture
def engine_calls(monkeypatch):
    """Counts the searches that reach the engine (the backend's find)."""
    calls = []
    original = HaystackSearchBackend.find

    def find(self, request, limit):
        calls.append(request.text)
        return original(self, request, limit)

    monkeypatch.setattr(HaystackSearchBackend, "find", find)
    return calls


@pytest.mark.parametrize("cookies", [False, True], ids=["first-visit", "returning"])
def test_a_repeated_search_is_served_from_the_cache(client, catalog, engine_calls, django_assert_num_queries, cookies):
    """The same words (spaces and case aside), filters and page run the engine once; the
    page is then stored whole and costs no SQL."""
    if cookies:
        client.cookies["consent"] = "yes"
    first = client.get(URL, {"q": "Cranberry  Sauce"})
    assert first.status_code == 200 and engine_calls == ["Cranberry  Sauce"]
    with django_assert_num_queries(0):
        again = client.get(URL, {"q": "Cranberry  Sauce"})
    assert again.content == first.content
    other_spelling = client.get(URL, {"q": "cranberry sauce"}).content.decode()
    assert engine_calls == ["Cranberry  Sauce"]  # the outcome was reused
    assert "Results for “cranberry sauce”" in other_spelling  # with this request's words


def test_a_filter_is_another_search(client, catalog, engine_calls):
    """A filter, a sort or a page makes a different search (and a different cached page)."""
    client.get(URL, {"q": "sauce"})
    client.get(URL, {"q": "sauce", "catalog": "gifts"})
    client.get(URL, {"q": "sauce", "sort": "price"})
    assert len(engine_calls) == 3


def test_a_catalog_change_shows_in_the_next_search(client, catalog, django_capture_on_commit_callbacks):
    """A repriced product shows its new price in the next search, although the page was
    cached; a product taken off sale disappears from the results at once."""
    client.cookies["consent"] = "yes"
    sauce = catalog["sauce"]
    assert "$4.50" in client.get(URL, {"q": "sauce"}).content.decode()
    sauce.price = Decimal("77.70")
    with django_capture_on_commit_callbacks(execute=True):
        sauce.save()  # reindexed once committed (immediate tasks in the tests), catalog version bumped
    body = client.get(URL, {"q": "sauce"}).content.decode()
    assert "$77.70" in body and "$4.50" not in body
    sauce.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        sauce.save()
    assert "Cranberry Sauce" not in client.get(URL, {"q": "sauce"}).content.decode()
