"""Search backend that queries Sphinx's ``searchd`` over SphinxQL (the MySQL protocol).

searchd hands over the best matched ids with their weights (``WEIGHT()`` with the configured
field weights; relevance is by weight, then id), in one row when they all fit; what the
filters read of those products (catalog, category, manufacturer, price band) is then read
from the database, so products that were deactivated or changed since the last ``indexer``
run are never shown or counted as they were: on PostgreSQL the facet groups and the page's
rows in one statement (the ids and weights as two array parameters, see
:class:`PostgresIdsFound`), elsewhere the facet keys of every match in one query and the
page's rows in another (:class:`IdsFound`).
"""

from collections import Counter

import pymysql
from django.db import connection

from coleman.conf import coleman_settings
from coleman.products.models import Product

from ..exceptions import BackendUnavailable
from ..sphinx import escape_query, identifier
from .base import FacetKey, Found, SearchBackend, price_bands, sort_for
from .db import (
    BY_RANK_THEN_ID,
    KEY_FIELDS,
    GroupedFound,
    among,
    band_expression,
    grouped_statement,
    in_price_expression,
    matches_for_ids,
)


class IdsFound(Found):
    """Matches handed over as [(product id, score)], best first: the active ones' facet keys
    and prices are read in one query, the page's rows in another."""

    def __init__(self, scored_ids, request, limit):
        rows = (
            Product.objects.active()
            .filter(among(pk for pk, _score in scored_ids))
            .annotate(search_band=band_expression(price_bands()), search_in_price=in_price_expression(request))
            .values_list("pk", "price", *KEY_FIELDS, "search_band", "search_in_price")
            .order_by()
        )
        keys, self.rows = {}, {}
        for pk, price, *key in rows:
            key = tuple(key)
            self.rows[pk] = (keys.setdefault(key, key), price)
        ranked = [(pk, score) for pk, score in scored_ids if pk in self.rows]
        self.truncated = len(ranked) > limit
        self.ranked = ranked[:limit]
        counts = Counter(self.rows[pk][0] for pk, _score in self.ranked)
        self.groups = [(FacetKey(*key), count) for key, count in counts.items()]

    def page(self, request, allowed, start, size):
        """The allowed ids in relevance order (or by price), sliced; their rows read."""
        rows = self.rows
        ranked = [pair for pair in self.ranked if rows[pair[0]][0] in allowed]
        ranked = sort_for(request, ranked, lambda pair: rows[pair[0]][1])[start : start + size]
        return matches_for_ids(ranked)


class PostgresIdsFound(GroupedFound):
    """Matches handed over as two comma-separated texts, the ids and their weights in one order
    (the best ``limit + 1`` or fewer, see :meth:`SphinxSearchBackend.matched`): on PostgreSQL
    the facet groups of the active ones and the page's rows are read in one statement, the ids
    and weights as two array parameters, ranked by weight, then id (Sphinx's order)."""

    def __init__(self, ids, weights, request, limit):
        self.ids, self.weights = "{" + ids + "}", "{" + weights + "}"
        super().__init__(request, limit)

    def statement(self, request, page):
        """The active products among the ids, ranked by weight, then id."""
        params = [self.ids, self.weights]
        truncate = ""
        if self.best is not None:
            truncate = "ORDER BY r.weight DESC, r.id LIMIT %s"
            params.append(int(self.best))
        # The table is the model's quoted identifier; the ids, weights and numbers are parameters.
        matches = f"""
            SELECT p.id, p.name, p.price, p.category_id, p.manufacturer, r.weight AS rank
            FROM unnest(%s::bigint[], %s::bigint[]) AS r(id, weight)
            JOIN {connection.ops.quote_name(Product._meta.db_table)} p ON p.id = r.id
            WHERE p.is_active {truncate}
        """  # noqa: S608
        return grouped_statement(matches, params, request, relevance=BY_RANK_THEN_ID, page=page)

    def score(self, row):
        """Sphinx's weight of the row's product."""
        return float(row[-1])


class SphinxSearchBackend(SearchBackend):
    """Full-text matches from searchd (``COLEMAN_SEARCH_SPHINX_*`` settings)."""

    name = "sphinx"

    def connect(self):
        """A SphinxQL connection to searchd."""
        try:
            return pymysql.connect(
                host=coleman_settings.SEARCH_SPHINX_HOST,
                port=int(coleman_settings.SEARCH_SPHINX_PORT),
                charset="utf8",
                autocommit=None,
                ssl_disabled=True,  # searchd speaks no TLS; PyMySQL would build a context per connection
                connect_timeout=2,
                read_timeout=5,
                write_timeout=5,
            )
        except pymysql.MySQLError as error:
            raise BackendUnavailable(f"Sphinx searchd is unreachable: {error}") from error

    def matched(self, text, limit):
        """(ids, weights) of the best ``limit`` products matching ``text`` (by weight, then id),
        from searchd, as two comma-separated texts in one order, not sorted (("", "") for
        none).

        When no more than ``limit`` match, searchd concatenates them (``GROUP_CONCAT`` over one
        group, ``HAVING`` its count within ``limit``): one row to read instead of a row per
        match, which the pure-Python MySQL client took milliseconds to parse. Otherwise (or
        when nothing matches) the best ``limit`` come as rows, as before."""
        terms = escape_query(text).strip()
        if not terms:
            return "", ""
        index = identifier(coleman_settings.SEARCH_SPHINX_INDEX)
        weights = ", ".join(
            f"{identifier(field)}={int(weight)}"
            for field, weight in coleman_settings.SEARCH_SPHINX_FIELD_WEIGHTS.items()
        )
        limit = int(limit)
        options = f"OPTION ranker=proximity_bm25, field_weights=({weights})"
        # index and field names pass identifier(), numbers int(); the query text is a parameter.
        concatenated = (
            "SELECT id * 0 AS one, COUNT(*) AS matches, GROUP_CONCAT(id) AS ids, "  # noqa: S608
            f"GROUP_CONCAT(WEIGHT()) AS weights FROM {index} WHERE MATCH(%s) "
            f"GROUP BY one HAVING matches <= {limit} LIMIT 0, 1 {options}, max_matches=1"
        )
        best = (
            f"SELECT id, WEIGHT() AS w FROM {index} WHERE MATCH(%s) "  # noqa: S608
            f"ORDER BY w DESC, id ASC LIMIT 0, {limit} {options}, max_matches={max(limit, 1)}"
        )
        sphinx = self.connect()
        try:
            with sphinx.cursor() as cursor:
                cursor.execute(concatenated, [terms])
                row = cursor.fetchone()
                if row:
                    return row[2], row[3]
                cursor.execute(best, [terms])
                pairs = cursor.fetchall()
        except pymysql.MySQLError as error:
            raise BackendUnavailable(f"Sphinx query failed: {error}") from error
        finally:
            sphinx.close()
        return ",".join(str(int(pk)) for pk, _w in pairs), ",".join(str(int(w)) for _pk, w in pairs)

    def scored_ids(self, text, limit):
        """[(product id, weight)] for ``text``, best first (by weight, then id), at most
        ``limit``, from searchd."""
        ids, weights = self.matched(text, limit)
        if not ids:
            return []
        pairs = zip(map(int, ids.split(",")), map(int, weights.split(",")), strict=True)
        return [(pk, float(weight)) for pk, weight in sorted(pairs, key=lambda pair: (-pair[1], pair[0]))]

    def match(self, text, limit):
        """Matches in Sphinx's relevance order (active products only; one database query)."""
        return matches_for_ids(self.scored_ids(text, limit))

    def find(self, request, limit):
        """Ids from searchd, facet groups and the page from the database (see
        :class:`PostgresIdsFound` and :class:`IdsFound`)."""
        if connection.vendor == "postgresql":
            return PostgresIdsFound(*self.matched(request.text, limit + 1), request, limit)
        return IdsFound(self.scored_ids(request.text, limit + 1), request, limit)
