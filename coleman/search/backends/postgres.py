"""Search backend on PostgreSQL full-text search (``COLEMAN_SEARCH_BACKEND`` names it).

A search is one statement (:func:`search_statement`): the matches are read once (a
materialized CTE of their ids, names, prices, facet fields and ranks), then grouped by facet
key (a few hundred rows whatever the number of matches) and filtered, ranked and sliced for
the page, both answers returned by one ``UNION ALL``. Only when more than
``COLEMAN_SEARCH_MAX_MATCHES`` match is a second statement run, over the best of them.
"""

from django.db import connection

from coleman.products.models import Catalog, CatalogCategory, Product

from ..exceptions import BackendUnavailable
from ..postgres import DOCUMENT_COLUMN, SEARCH_CONFIG, matching_products, search_products
from .base import FacetKey, Found, SearchBackend, price_bands
from .db import MATCH_FIELDS, match_from_row

GROUP_ROW, PAGE_ROW = 0, 1


def _band_sql(column, band, params):
    """SQL true when ``column`` lies in ``band`` (low, high or None); its bounds appended to
    ``params``."""
    low, high = band
    params.append(low)
    if high is None:
        return f"{column} >= %s"
    params.append(high)
    return f"({column} >= %s AND {column} < %s)"


def search_statement(text, request, *, best=None, page=None):
    """(SQL, params) of the search of ``text`` under ``request``'s filters: rows
    ``(GROUP_ROW, catalog slug, catalog name, category id, category name, manufacturer, band,
    in price, matches)`` for the facet groups, then, when ``page`` is (start, size), rows
    ``(PAGE_ROW, NULL…, *MATCH_FIELDS, rank)`` for that slice of the filtered matches in
    ``request.sort`` order (for a price sort: price, then rank, name, id). ``best`` keeps only
    the best ``best`` matches by rank (then name, id)."""
    quote = connection.ops.quote_name
    product, category, catalog = (quote(m._meta.db_table) for m in (Product, CatalogCategory, Catalog))
    params = [SEARCH_CONFIG, text, SEARCH_CONFIG, text]
    truncate = ""
    if best is not None:
        truncate = "ORDER BY rank DESC, name, id LIMIT %s"
        params.append(int(best))
    # Facet key of a match: its price band (NULL: none) and whether it is in the band selected.
    whens = []
    for value, _label, low, high in price_bands():
        whens.append(f"WHEN {_band_sql('price', (low, high), params)} THEN %s")
        params.append(value)
    in_price = "TRUE"
    if request.price_band:
        in_price = f"({_band_sql('price', request.price_band, params)})"
    # With the page's rows in the same answer, the group rows have their columns too (NULL).
    padding = "" if page is None else ", NULL" * (len(MATCH_FIELDS) + 1)
    # Table names are the models' quoted identifiers; every value is a parameter.
    sql = f"""
        WITH matches AS MATERIALIZED (
            SELECT p.id, p.name, p.price, p.category_id, p.manufacturer,
                   ts_rank(p.{quote(DOCUMENT_COLUMN)}, websearch_to_tsquery(%s::regconfig, %s)) AS rank
            FROM {product} p
            WHERE p.is_active AND p.{quote(DOCUMENT_COLUMN)} @@ websearch_to_tsquery(%s::regconfig, %s)
            {truncate}
        ), groups AS (
            SELECT category_id, manufacturer, CASE {" ".join(whens)} ELSE NULL END AS band,
                   {in_price} AS in_price, COUNT(*) AS matches
            FROM matches GROUP BY 1, 2, 3, 4
        )
        SELECT {GROUP_ROW}, k.slug, k.name, g.category_id, c.name, g.manufacturer, g.band, g.in_price,
               g.matches{padding}
        FROM groups g JOIN {category} c ON c.id = g.category_id JOIN {catalog} k ON k.id = c.catalog_id
    """  # noqa: S608
    if page is None:
        return sql, params
    filters = ["TRUE"]
    if request.catalog:
        filters.append(
            f"m.category_id IN (SELECT c.id FROM {category} c JOIN {catalog} k ON k.id = c.catalog_id "  # noqa: S608
            "WHERE k.slug = %s)"
        )
        params.append(request.catalog)
    if request.category:
        filters.append("m.category_id = %s")
        params.append(request.category)
    if request.manufacturer:
        filters.append("m.manufacturer = %s")
        params.append(request.manufacturer)
    if request.price_band:
        filters.append(_band_sql("m.price", request.price_band, params))
    # The page's order, in the slice and again over the answer's columns (the group rows first).
    ordering, answer_ordering = "m.rank DESC, m.name, m.id", "21 DESC, 11, 10"
    if request.sort in ("price", "-price"):
        direction = " DESC" if request.sort == "-price" else ""
        ordering, answer_ordering = f"m.price{direction}, {ordering}", f"13{direction}, {answer_ordering}"
    start, size = page
    params += [int(size), int(start)]
    sql = f"""
        {sql}
        UNION ALL
        SELECT {PAGE_ROW}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               p.id, p.name, p.slug, p.price, p.photo, p.category_id, c.name, k.slug, k.name,
               p.manufacturer, p.description, s.rank
        FROM (
            SELECT m.id, m.rank FROM matches m WHERE {" AND ".join(filters)}
            ORDER BY {ordering} LIMIT %s OFFSET %s
        ) s
        JOIN {product} p ON p.id = s.id
        JOIN {category} c ON c.id = p.category_id JOIN {catalog} k ON k.id = c.catalog_id
        ORDER BY 1, {answer_ordering}
    """  # noqa: S608
    return sql, params


class PostgresFound(Found):
    """Facet groups and the first page asked for from one statement (:func:`search_statement`)."""

    def __init__(self, text, request, limit):
        self.text = text
        self.request = request
        self.first_page = ((request.page - 1) * request.per_page, request.per_page)
        self.groups, self.rows = self._run(text, request, page=self.first_page)
        if sum(n for _key, n in self.groups) > limit:  # only the best ``limit`` count, as ranked
            self.best = limit
            self.groups, self.rows = self._run(text, request, best=limit, page=self.first_page)
            self.truncated = True
        else:
            self.best = None

    @staticmethod
    def _run(text, request, *, best=None, page=None):
        """([(FacetKey, count)], [page row]) of one :func:`search_statement`."""
        sql, params = search_statement(text, request, best=best, page=page)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        groups = [(FacetKey(*row[1:8]), row[8]) for row in rows if row[0] == GROUP_ROW]
        return groups, [row[9:] for row in rows if row[0] == PAGE_ROW]

    def page(self, request, allowed, start, size):
        """The filtered matches ranked (for a price sort: by price, then rank), sliced: read
        with the groups when it is the page the search asked for, else by one more query."""
        rows = self.rows
        if request is not self.request or (start, size) != self.first_page:
            _groups, rows = self._run(self.text, request, best=self.best, page=(start, size))
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
        """Facet groups and the page computed by PostgreSQL (see :class:`PostgresFound`)."""
        self._check()
        if not request.text.strip():
            return super().find(request, limit)
        return PostgresFound(request.text, request, limit)

    def has_matches(self, text):
        """Whether any active product matches ``text`` (one ``EXISTS`` query)."""
        self._check()
        return bool(text.strip()) and matching_products(Product.objects.active(), text).exists()
