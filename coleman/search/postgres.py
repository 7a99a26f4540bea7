"""PostgreSQL full-text search over products: the modern form of the book's MySQL FULLTEXT.

One weighted document, name (A) over description (B), in English (stemming, stop words);
the GIN index of migration ``coleman_search.0001`` is built on exactly this expression, so
the planner uses it for ``@@`` matches.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

SEARCH_CONFIG = "english"
GIN_INDEX_NAME = "search_product_fts_gin"


def product_search_vector(prefix=""):
    """The weighted ``tsvector`` of a product (``prefix`` for a related lookup, e.g. ``product__``)."""
    return SearchVector(f"{prefix}name", weight="A", config=SEARCH_CONFIG) + SearchVector(
        f"{prefix}description", weight="B", config=SEARCH_CONFIG
    )


def search_products(queryset, text):
    """``queryset`` narrowed to products matching ``text`` (web-search syntax), best first.

    Each product gets ``rank`` (``SearchRank``, higher is better). Quotes make phrases,
    ``-word`` excludes, ``or`` offers alternatives; malformed input never raises.
    """
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        queryset.annotate(search_document=product_search_vector())
        .filter(search_document=query)
        .annotate(rank=SearchRank(product_search_vector(), query))
        .order_by("-rank", "name", "id")
    )
