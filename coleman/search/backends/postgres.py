"""Search backend on PostgreSQL full-text search (``COLEMAN_SEARCH_BACKEND`` names it)."""

from django.db import connection

from coleman.products.models import Product

from ..exceptions import BackendUnavailable
from ..postgres import search_products
from .base import SearchBackend
from .db import MATCH_FIELDS, match_from_row


class PostgresSearchBackend(SearchBackend):
    """Weighted ``SearchVector`` (name A, description B), ``SearchRank`` order, GIN-indexed."""

    name = "postgresql"

    def match(self, text, limit):
        """Active products matching ``text``, by rank; one query."""
        if connection.vendor != "postgresql":
            raise BackendUnavailable("The PostgreSQL search backend needs a PostgreSQL database.")
        if not text.strip():
            return []
        rows = search_products(Product.objects.active(), text).values_list(*MATCH_FIELDS, "rank")[:limit]
        return [match_from_row(row[:-1], score=row[-1]) for row in rows]
