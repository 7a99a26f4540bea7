"""Each engine's own way to a search (ids and facet keys, the page drawn alone) gives what the
plain way gives: every match as a row in relevance order, then filtered, counted and sorted
in Python (``SearchBackend.find``'s default, which the simple backend still uses)."""

from decimal import Decimal

import pytest
from django.db import connection

from coleman.products.models import CatalogCategory
from coleman.search.backends.base import MatchList, SearchBackend, SearchRequest, key_passes
from coleman.search.backends.haystack import HaystackSearchBackend
from coleman.search.backends.postgres import PostgresSearchBackend
from tests.factories.products import CatalogFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def catalog_of_jams():
    """45 jams and teas over two catalogs, three categories, three makers and many prices."""
    gifts, pantry = CatalogFactory(slug="gifts"), CatalogFactory(slug="pantry")
    categories = [CategoryFactory(catalog=gifts), CategoryFactory(catalog=pantry), CategoryFactory(catalog=pantry)]
    for n in range(45):
        ProductFactory(
            name=f"Bog {'Jam' if n % 3 else 'Tea'} {n}",
            description="cranberry jam " * (1 + n % 4) + ("tea" if n % 5 == 0 else ""),
            category=categories[n % 3],
            manufacturer=["Red Marsh", "CranStore", ""][n % 3 - 1 if n % 7 else 2],
            price=Decimal(n * 37 % 130) + Decimal("0.99"),
        )
    return categories


def _requests(categories):
    category = categories[1].pk
    variants = [
        {},
        {"page": 2, "per_page": 7},
        {"sort": "price", "per_page": 10},
        {"sort": "-price", "page": 2, "per_page": 10},
        {"catalog": "pantry"},
        {"category": category, "sort": "price"},
        {"manufacturer": "CranStore"},
        {"price": "10-25"},
        {"price": "7-60", "sort": "-price"},
        {"catalog": "gifts", "manufacturer": "Red Marsh", "price": "100-"},
        {"category": category, "price": "25-50", "page": 2, "per_page": 3},
    ]
    return [SearchRequest(text=text, **variant) for text in ("jam", "cranberry tea", "bog") for variant in variants]


def _outcome(outcome):
    return (
        outcome.count,
        outcome.truncated,
        [(h.pk, h.name, h.price, round(h.score, 5), str(h.highlighted)) for h in outcome.hits],
        {name: [(c.value, c.label, c.count, c.selected) for c in choices] for name, choices in outcome.facets.items()},
    )


class Plain(SearchBackend):
    """The engine's matches as a plain list (the default ``find``)."""

    def __init__(self, engine):
        self.engine = engine

    def match(self, text, limit):
        return self.engine.match(text, limit)

    def find(self, request, limit):
        return SearchBackend.find(self, request, limit)


def assert_same(engine, categories):
    plain = Plain(engine)
    for request in _requests(categories):
        assert _outcome(engine.search(request)) == _outcome(plain.search(request)), request
    assert CatalogCategory.objects.count() == 3


def test_whoosh_find_gives_what_the_list_of_matches_gives(search_index):
    """Whoosh: matches from the open searcher, facet keys from its per-segment tables."""
    categories = catalog_of_jams()
    search_index.rebuild()
    assert_same(HaystackSearchBackend(), categories)


def test_whoosh_truncation_keeps_the_best(search_index, settings):
    """Over ``COLEMAN_SEARCH_MAX_MATCHES`` only the best matches are counted, as before."""
    categories = catalog_of_jams()
    search_index.rebuild()
    settings.COLEMAN_SEARCH_MAX_MATCHES = 10
    engine = HaystackSearchBackend()
    outcome = engine.search(SearchRequest(text="jam"))
    assert outcome.truncated and outcome.count == 10
    assert_same(engine, categories)


@pytest.mark.postgres
def test_postgres_find_gives_what_the_list_of_matches_gives(settings):
    """PostgreSQL: filter counts and the ranked page from one statement over the matches; also
    when truncated."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search runs only on PostgreSQL (CI runs it there).")
    categories = catalog_of_jams()
    assert_same(PostgresSearchBackend(), categories)
    settings.COLEMAN_SEARCH_MAX_MATCHES = 10
    assert PostgresSearchBackend().search(SearchRequest(text="jam")).truncated
    assert_same(PostgresSearchBackend(), categories)


@pytest.mark.postgres
def test_postgres_other_pages_of_one_search(settings):
    """PostgreSQL reads the page asked for with the groups; any other slice of the same
    search is one more query, over the same (possibly truncated) matches."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search runs only on PostgreSQL (CI runs it there).")
    assert_other_pages(PostgresSearchBackend(), catalog_of_jams())


def assert_other_pages(engine, categories):
    """Slices other than the one each request asks for give what the list of matches gives,
    truncated or not."""
    for limit in (10_000, 10):
        for request in _requests(categories):
            found, plain = engine.find(request, limit), Plain(engine).find(request, limit)
            assert found.truncated == plain.truncated and dict(found.groups) == dict(plain.groups)
            allowed = {key for key, _count in plain.groups if key_passes(key, request)}
            for start, size in ((0, 5), (7, 7), (30, 20)):
                assert [(m.pk, m.score) for m in found.page(request, allowed, start, size)] == [
                    (m.pk, m.score) for m in plain.page(request, allowed, start, size)
                ], (request, limit, start, size)


def test_match_list_is_the_default():
    """A backend with only ``match`` gets a :class:`MatchList`."""
    assert isinstance(Plain(HaystackSearchBackend()).find(SearchRequest(text=""), 10), MatchList)
