"""PostgreSQL full-text search: ranking, stemming, the GIN index (run on PostgreSQL)."""

import pytest
from django.db import connection

from coleman.search.backends.base import SearchRequest
from coleman.search.backends.postgres import PostgresSearchBackend
from coleman.search.postgres import GIN_INDEX_NAME, search_products
from tests.factories.products import ProductFactory, cranberry_catalog

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search runs only on PostgreSQL (CI runs it there).")


def names(text, **kwargs):
    return [h.name for h in PostgresSearchBackend().search(SearchRequest(text=text, **kwargs)).hits]


def test_name_matches_rank_above_description_matches():
    """A word in the name (weight A) ranks above the same word in the description (B)."""
    ProductFactory(name="Gift Box", description="Cranberry relish and more cranberry jam inside.")
    ProductFactory(name="Cranberry Relish", description="Tart.")
    assert names("cranberry")[0] == "Cranberry Relish"
    assert names("cranberry") == ["Cranberry Relish", "Gift Box"]


def test_stemming_and_every_word():
    """English stemming ("cranberries" finds "cranberry"); every word must match."""
    cranberry_catalog()
    assert "Cranberry Sauce" in names("cranberries")
    assert names("cranberry juice") == ["CranStore Cranberry Juice"]
    assert "Discontinued Cranberry Chutney" not in names("chutney cranberry")


def test_web_search_syntax_never_fails():
    """Quotes, minus, stray syntax characters and unbalanced quotes are all accepted."""
    cranberry_catalog()
    assert names('"cranberry sauce"') == ["Cranberry Sauce"]
    assert "CranStore Cranberry Juice" not in names("cranberry -juice")
    for text in ['"unbalanced', "!!! & | :* ()", "'", "\\"]:
        names(text)


def test_rank_is_exposed_by_the_manager_function():
    """search_products annotates a rank, best first."""
    ProductFactory(name="Cranberry Cranberry", description="cranberry")
    ProductFactory(name="Plain", description="one cranberry")
    from coleman.products.models import Product

    ranks = list(search_products(Product.objects.all(), "cranberry").values_list("rank", flat=True))
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[1]


def test_gin_index_exists_and_is_used():
    """The migrations built the GIN index on the stored document and the planner uses it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [GIN_INDEX_NAME])
        (definition,) = cursor.fetchone()
        assert "gin" in definition.lower() and "search_document" in definition
        cursor.execute(
            "SELECT generation_expression FROM information_schema.columns "
            "WHERE table_name = 'products_product' AND column_name = 'search_document'"
        )
        (expression,) = cursor.fetchone()
        assert "setweight" in expression and "description" in expression
        from coleman.products.models import Product

        # Only the text match filters here, and with sequential and plain index scans off
        # a bitmap scan of the GIN index is the planner's one way to answer it.
        queryset = search_products(Product.objects.all(), "cranberry").values_list("pk")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert GIN_INDEX_NAME in plan


def test_stored_document_follows_every_write():
    """The stored document is PostgreSQL's (a generated column): a bulk ``update()`` that no
    signal sees still changes what is found."""
    from coleman.products.models import Product

    product = ProductFactory(name="Plain Box", description="Nothing here.")
    assert names("cranberry") == []
    Product.objects.filter(pk=product.pk).update(name="Cranberry Box")
    assert names("cranberry") == ["Cranberry Box"]


@pytest.mark.parametrize("count", [3, 40])
def test_results_page_queries(client, settings, django_assert_num_queries, count):
    """On PostgreSQL FTS the search is one statement whatever the number of results: the
    filter counts (a GROUP BY) and the page (ranked and sliced) over the matches read once."""
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.postgres.PostgresSearchBackend"
    for n in range(count):
        ProductFactory(name=f"Bog Jam {n}")
    # + the header's category menu (cached once built) + the stock of the page's hits
    with django_assert_num_queries(1 + 1 + 1):
        response = client.get("/search/", {"q": "jams"})
    assert f"{count} results" in response.content.decode()


def test_truncated_search_queries(settings, django_assert_num_queries):
    """Over ``COLEMAN_SEARCH_MAX_MATCHES`` one more statement counts and pages the best only."""
    settings.COLEMAN_SEARCH_MAX_MATCHES = 10
    for n in range(15):
        ProductFactory(name=f"Bog Jam {n}")
    with django_assert_num_queries(2):
        outcome = PostgresSearchBackend().search(SearchRequest(text="jam"))
    assert outcome.truncated and outcome.count == 10
