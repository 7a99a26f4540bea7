"""Turning product rows from the database into :class:`Match` objects in one query, and the
SQL of the facet keys and filters (shared by the engines that read products in SQL)."""

from django.db import connection
from django.db.models import BooleanField, Case, CharField, Q, Value, When
from django.db.models.expressions import RawSQL

from coleman.products.models import Catalog, CatalogCategory, Product

from .base import FacetKey, Found, Match, price_bands

MATCH_FIELDS = (
    "pk",
    "name",
    "slug",
    "price",
    "photo",
    "category_id",
    "category__name",
    "category__catalog__slug",
    "category__catalog__name",
    "manufacturer",
    "description",
)


KEY_FIELDS = ("category__catalog__slug", "category__catalog__name", "category_id", "category__name", "manufacturer")


def band_expression(bands):
    """SQL giving the value of the price band a product's price lies in (NULL: none), as
    :func:`.base.band_of` does."""
    whens = [
        When(Q(price__gte=low) & Q(price__lt=high) if high is not None else Q(price__gte=low), then=Value(value))
        for value, _label, low, high in bands
    ]
    return Case(*whens, default=Value(None), output_field=CharField())


def in_price_expression(request):
    """SQL telling whether a product's price lies in the band ``request`` selected (TRUE
    without one)."""
    if not request.price_band:
        return Value(True)
    return Case(When(price_q(request.price_band), then=Value(True)), default=Value(False), output_field=BooleanField())


def price_q(band):
    """``Q`` of the prices in ``band`` (low, high or None)."""
    low, high = band
    return Q(price__gte=low) & Q(price__lt=high) if high is not None else Q(price__gte=low)


def filter_q(request):
    """The filters of ``request`` as a ``Q`` on products (what :func:`.base.key_passes` checks)."""
    q = Q()
    if request.catalog:
        q &= Q(category__catalog__slug=request.catalog)
    if request.category:
        q &= Q(category_id=request.category)
    if request.manufacturer:
        q &= Q(manufacturer=request.manufacturer)
    if request.price_band:
        q &= price_q(request.price_band)
    return q


def among(ids):
    """A filter of products to those whose id is in ``ids``: on PostgreSQL ``= ANY`` of one
    array parameter (thousands of ids cost a placeholder each to quote, send and parse with
    ``IN``), elsewhere ``pk__in``."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Product._meta.db_table)
        # table and column names are quoted identifiers of the model; the ids are one parameter.
        column = f"{table}.{connection.ops.quote_name('id')}"
        return RawSQL(f"{column} = ANY(%s)", (list(ids),), output_field=BooleanField())  # noqa: S611
    return Q(pk__in=list(ids))


GROUP_ROW, PAGE_ROW = 0, 1
#: Relevance orders of :func:`grouped_statement`: the matches' order (their columns), then the
#: answer's (its column numbers: 21 rank, 11 name, 10 id). By rank: best first, then by name.
BY_RANK = ("m.rank DESC, m.name, m.id", "21 DESC, 11, 10")
#: By an engine's score, best first, then by id (Sphinx's ``ORDER BY w DESC, id ASC``).
BY_RANK_THEN_ID = ("m.rank DESC, m.id", "21 DESC, 10")


def _band_sql(column, band, params):
    """SQL true when ``column`` lies in ``band`` (low, high or None); its bounds appended to
    ``params``."""
    low, high = band
    params.append(low)
    if high is None:
        return f"{column} >= %s"
    params.append(high)
    return f"({column} >= %s AND {column} < %s)"


def grouped_statement(matches, params, request, *, relevance, page=None):
    """(SQL, params) on PostgreSQL of one search under ``request``'s filters, ``matches`` being
    the SQL (with ``params``) of the matched active products' ``id, name, price, category_id,
    manufacturer, rank``, read once (a materialized CTE). Its rows: ``(GROUP_ROW, catalog slug,
    catalog name, category id, category name, manufacturer, band, in price, matches)`` for
    the facet groups, then, when ``page`` is (start, size), ``(PAGE_ROW, NULL…,
    *MATCH_FIELDS, rank)`` for that slice of the filtered matches in ``request.sort`` order
    (``relevance``: :data:`BY_RANK` or :data:`BY_RANK_THEN_ID`; for a price sort, price first)."""
    quote = connection.ops.quote_name
    product, category, catalog = (quote(m._meta.db_table) for m in (Product, CatalogCategory, Catalog))
    params = list(params)
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
        WITH matches AS MATERIALIZED ({matches}), groups AS (
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
    ordering, answer_ordering = relevance
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


def read_grouped(sql, params):
    """([(FacetKey, count)], [page row: (*MATCH_FIELDS, rank)]) of a :func:`grouped_statement`."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    groups = [(FacetKey(*row[1:8]), row[8]) for row in rows if row[0] == GROUP_ROW]
    return groups, [row[9:] for row in rows if row[0] == PAGE_ROW]


class GroupedFound(Found):
    """Facet groups and the page the search asked for from one :func:`grouped_statement`
    (PostgreSQL); over ``limit`` matches, a second one counts and pages the best ``limit``."""

    #: When truncated, how many of the best matches count.
    best = None

    def __init__(self, request, limit):
        self.request = request
        self.first_page = ((request.page - 1) * request.per_page, request.per_page)
        self.groups, self.rows = read_grouped(*self.statement(request, self.first_page))
        if sum(n for _key, n in self.groups) > limit:  # only the best ``limit`` count, as ranked
            self.best = limit
            self.groups, self.rows = read_grouped(*self.statement(request, self.first_page))
            self.truncated = True

    def statement(self, request, page):
        """(SQL, params) of the :func:`grouped_statement` of ``request`` with ``page`` (start,
        size), over the best ``self.best`` matches when set."""
        raise NotImplementedError

    def score(self, row):
        """The score of a page row (its ``rank`` column)."""
        return row[-1]

    def page(self, request, allowed, start, size):
        """The filtered matches in ``request.sort`` order, sliced: read with the groups when it
        is the page the search asked for, else by one more query."""
        rows = self.rows
        if request is not self.request or (start, size) != self.first_page:
            _groups, rows = read_grouped(*self.statement(request, (start, size)))
        return [match_from_row(row[:-1], score=self.score(row)) for row in rows]


def match_from_row(row, score=0.0):
    """A :class:`Match` from a ``values_list(*MATCH_FIELDS)`` row."""
    pk, name, slug, price, photo, category_id, category, catalog_slug, catalog, manufacturer, text = row
    return Match(
        pk=pk,
        name=name,
        slug=slug,
        price=price,
        photo=photo or "",
        category_id=category_id,
        category=category,
        catalog_slug=catalog_slug,
        catalog=catalog,
        manufacturer=manufacturer,
        text=text,
        score=score,
    )


def matches_for_ids(scored_ids):
    """Matches of the *active* products among ``scored_ids`` [(pk, score)], kept in that order.

    One query whatever the number of ids; ids of products since deactivated or deleted are
    dropped, so a stale external index never shows them.
    """
    if not scored_ids:
        return []
    scores = dict(scored_ids)
    rows = Product.objects.active().filter(pk__in=list(scores)).values_list(*MATCH_FIELDS)
    by_pk = {row[0]: row for row in rows}
    return [match_from_row(by_pk[pk], score) for pk, score in scored_ids if pk in by_pk]
