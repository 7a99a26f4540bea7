"""Search backend on PostgreSQL full-text search (``COLEMAN_SEARCH_BACKEND`` names it).

A search is two queries: the matches grouped by facet key (one ``GROUP BY``, a few hundred
rows whatever the number of matches) and the page, filtered, ranked and sliced in SQL.
"""

from django.db import connection
from django.db.models import Count, Q, Subquery

from coleman.products.models import Product

from ..exceptions import BackendUnavailable
from ..postgres import matching_products, search_products
from .base import FacetKey, Found, SearchBackend, price_bands
from .db import KEY_FIELDS, MATCH_FIELDS, band_expression, filter_q, in_price_expression, match_from_row


class PostgresFound(Found):
    """Facet groups from one ``GROUP BY`` over the matches; the page from one ranked query."""

    def __init__(self, text, request, limit):
        self.text = text
        matches = matching_products(Product.objects.active(), text)
        self.groups = self._groups(matches, request)
        if sum(n for _key, n in self.groups) > limit:  # only the best ``limit`` count, as ranked
            best = search_products(Product.objects.active(), text).values("pk")[:limit]
            self.within = Q(pk__in=Subquery(best))
            self.groups = self._groups(matches.filter(self.within), request)
            self.truncated = True
        else:
            self.within = Q()

    @staticmethod
    def _groups(matches, request):
        """[(FacetKey, count)] of ``matches`` in ``request``."""
        rows = (
            matches.order_by()
            .values(*KEY_FIELDS, band=band_expression(price_bands()), in_price=in_price_expression(request))
            .annotate(matches=Count("pk"))
            .values_list(*KEY_FIELDS, "band", "in_price", "matches")
        )
        return [(FacetKey(*row[:-1]), row[-1]) for row in rows]

    def page(self, request, allowed, start, size):
        """The filtered matches ranked (for a price sort: by price, then rank), sliced, in SQL."""
        ordering = ("-rank", "name", "id")
        if request.sort == "price":
            ordering = ("price", *ordering)
        elif request.sort == "-price":
            ordering = ("-price", *ordering)
        rows = (
            search_products(Product.objects.active().filter(self.within, filter_q(request)), self.text)
            .order_by(*ordering)
            .values_list(*MATCH_FIELDS, "rank")[start : start + size]
        )
        return [match_from_row(row[:-1], score=row[-1]) for row in rows]


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
        """Facet groups and pages computed by PostgreSQL (see :class:`PostgresFound`)."""
        self._check()
        if not request.text.strip():
            return super().find(request, limit)
        return PostgresFound(request.text, request, limit)

    def has_matches(self, text):
        """Whether any active product matches ``text`` (one ``EXISTS`` query)."""
        self._check()
        return bool(text.strip()) and matching_products(Product.objects.active(), text).exists()
