"""PostgreSQL full-text search over products: the modern form of the book's MySQL FULLTEXT.

One weighted document, name (A) over description (B), in English (stemming, stop words),
stored by PostgreSQL in the generated column ``products_product.search_document``
(migration ``coleman_search.0002``) and GIN-indexed, so a match is an index lookup and its
rank (``ts_rank``) reads the stored document instead of parsing the text again.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models import Expression, F

SEARCH_CONFIG = "english"
GIN_INDEX_NAME = "search_product_document_gin"
DOCUMENT_COLUMN = "search_document"


def product_search_vector(prefix=""):
    """The weighted ``tsvector`` of a product computed from its text (``prefix`` for a related
    lookup, e.g. ``product__``); what the stored ``search_document`` column holds."""
    return SearchVector(f"{prefix}name", weight="A", config=SEARCH_CONFIG) + SearchVector(
        f"{prefix}description", weight="B", config=SEARCH_CONFIG
    )


class StoredDocument(Expression):
    """The stored ``search_document`` column of the query's product table (not a model field:
    PostgreSQL alone has it)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        """``"<product table alias>"."search_document"``."""
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(DOCUMENT_COLUMN)}", []


def search_query(text):
    """The ``tsquery`` of ``text`` in web-search syntax (never raises on malformed input)."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def matching_products(queryset, text):
    """``queryset`` (of products) narrowed to those matching ``text``, unordered, unranked."""
    return queryset.alias(search_document=StoredDocument()).filter(search_document=search_query(text))


def search_products(queryset, text):
    """``queryset`` narrowed to products matching ``text`` (web-search syntax), best first.

    Each product gets ``rank`` (``SearchRank``, higher is better). Quotes make phrases,
    ``-word`` excludes, ``or`` offers alternatives; malformed input never raises.
    """
    return (
        matching_products(queryset, text)
        .annotate(rank=SearchRank(F("search_document"), search_query(text)))
        .order_by("-rank", "name", "id")
    )
