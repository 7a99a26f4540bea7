"""Search backend that queries Sphinx's ``searchd`` over SphinxQL (the MySQL protocol).

Results come back in Sphinx's relevance order (``WEIGHT()`` with the configured field
weights); product rows for them are then read in one database query, so products that
were deactivated since the last ``indexer`` run are never shown.
"""

import pymysql

from coleman.conf import coleman_settings

from ..exceptions import BackendUnavailable
from ..sphinx import escape_query, identifier
from .base import SearchBackend
from .db import matches_for_ids


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
                connect_timeout=2,
                read_timeout=5,
                write_timeout=5,
            )
        except pymysql.MySQLError as error:
            raise BackendUnavailable(f"Sphinx searchd is unreachable: {error}") from error

    def scored_ids(self, text, limit):
        """[(product id, weight)] for ``text``, best first, from searchd."""
        terms = escape_query(text).strip()
        if not terms:
            return []
        index = identifier(coleman_settings.SEARCH_SPHINX_INDEX)
        weights = ", ".join(
            f"{identifier(field)}={int(weight)}"
            for field, weight in coleman_settings.SEARCH_SPHINX_FIELD_WEIGHTS.items()
        )
        limit = int(limit)
        # index and field names pass identifier(), numbers int(); the query text is a parameter.
        sql = (
            f"SELECT id, WEIGHT() AS w FROM {index} WHERE MATCH(%s) "  # noqa: S608
            f"ORDER BY w DESC, id ASC LIMIT 0, {limit} "
            f"OPTION ranker=proximity_bm25, field_weights=({weights}), max_matches={max(limit, 1)}"
        )
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, [terms])
                return [(int(pk), float(weight)) for pk, weight in cursor.fetchall()]
        except pymysql.MySQLError as error:
            raise BackendUnavailable(f"Sphinx query failed: {error}") from error
        finally:
            connection.close()

    def match(self, text, limit):
        """Matches in Sphinx's relevance order (active products only; one database query)."""
        return matches_for_ids(self.scored_ids(text, limit))
