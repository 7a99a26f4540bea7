"""Search backend on PostgreSQL full-text search (``COLEMAN_SEARCH_BACKEND`` names it).

A search is one statement (:func:`search_statement`, :func:`.db.grouped_statement`): the
matches are read once with their ``ts_rank``, then grouped by facet key (a few hundred rows
whatever the number of matches) and filtered, ranked and sliced for the page. Only when more than
``COLEMAN_SEARCH_MAX_MATCHES`` match is a second statement run, over the best of them.
"""

from django.db import connection

from coleman.products.models import Product

from ..exceptions import BackendUnavailable
from ..postgres import DOCUMENT_COLUMN, SEARCH_CONFIG, matching_products, search_products
from .base import SearchBackend
from .db import BY_RANK, MATCH_FIELDS, GroupedFound, grouped_statement, match_from_row


def search_statement(text, request, *, best=None, page=None):
    """(SQL, params) of the search of ``text`` under ``request`` (see
    :func:`.db.grouped_statement`): the active products whose stored document matches, ranked by
    ``ts_rank`` (then name, id); ``best`` keeps only the best ``best`` of them."""
    quote = connection.ops.quote_name
    document = f"p.{quote(DOCUMENT_COLUMN)}"
    params = [SEARCH_CONFIG, text, SEARCH_CONFIG, text]
    truncate = ""
    if best is not None:
        truncate = "ORDER BY rank DESC, name, id LIMIT %s"
        params.append(int(best))
    # The table and column are quoted identifiers; the text and numbers are parameters.
    matches = f"""
        SELECT p.id, p.name, p.price, p.category_id, p.manufacturer,
               ts_rank({document}, websearch_to_tsquery(%s::regconfig, %s)) AS rank
        FROM {quote(Product._meta.db_table)} p
        WHERE p.is_active AND {document} @@ websearch_to_tsquery(%s::regconfig, %s)
        {truncate}
    """  # noqa: S608
    return grouped_statement(matches, params, request, relevance=BY_RANK, page=page)


class PostgresFound(GroupedFound):
    """Facet groups and the page from one statement (:func:`search_statement`)."""

    def __init__(self, text, request, limit):
        self.text = text
        super().__init__(request, limit)

    def statement(self, request, page):
        """The :func:`search_statement` of this search's text."""
        return search_statement(self.text, request, best=self.best, page=page)


class PostgresSearchBackend(SearchBackend):
    """Weighted ``SearchVector`` (name A, description B), ``SearchRank`` order, GIN-indexed."""

    name = "postgresql"

    def _check(self):
        if connection.vendor != "postgresql":
            raise BackendUnavailable("The PostgreSQL search backend needs a PostgreSQL database.")

    def match(self, text, limit):
        """Active products matching ``text``, by rank; one query."""
        self._check()
        if not text.strip():
            return []
        rows = search_products(Product.objects.active(), text).values_list(*MATCH_FIELDS, "rank")[:limit]
        return [match_from_row(row[:-1], score=row[-1]) for row in rows]

    def find(self, request, limit):
        """Facet groups and the page computed by PostgreSQL (see :class:`PostgresFound`)."""
        self._check()
        if not request.text.strip():
            return super().find(request, limit)
        return PostgresFound(request.text, request, limit)

    def has_matches(self, text):
        """Whether any active product matches ``text`` (one ``EXISTS`` query)."""
        self._check()
        return bool(text.strip()) and matching_products(Product.objects.active(), text).exists()
