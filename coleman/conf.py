"""Coleman's settings and their defaults, in one place.

Every setting has the ``COLEMAN_`` prefix and is read from ``django.conf.settings`` when it
is used (never at import time), falling back to the default below. Use it as::

    from coleman.conf import coleman_settings
    coleman_settings.CURRENCY        # reads settings.COLEMAN_CURRENCY or "USD"
"""


from django.conf import settings

DEFAULTS = {
    # --- core -------------------------------------------------------------------------
    # The shop's name, shown in the header, page titles and emails.
    "STORE_NAME": "Coleman Store",
    # ISO 4217 code of the one currency the store sells in.
    "CURRENCY": "USD",
    # Symbol printed by the ``|currency`` filter.
    "CURRENCY_SYMBOL": "$",
    # Query strings longer than this are answered with 400 (protects every page).
    "MAX_QUERY_STRING_LENGTH": 4096,
    # --- products ---------------------------------------------------------------------
    # Products per page on the product, catalog and category lists.
    "PRODUCTS_PER_PAGE": 24,
    # How many new and featured products the home page shows.
    "HOME_NEW_PRODUCTS": 8,
    # Seconds a rendered catalog fragment may be served from the cache; edits to the
    # catalog invalidate it at once regardless.
    "CATALOG_CACHE_SECONDS": 600,
    # --- customers --------------------------------------------------------------------

    # --- cart -------------------------------------------------------------------------

    # --- orders -----------------------------------------------------------------------

    # --- payments ---------------------------------------------------------------------

    # --- ratings and reviews ----------------------------------------------------------

    # --- search -----------------------------------------------------------------------
    # Dotted path of the search backend class; None chooses Haystack when it is installed
    # and the book's simple database search otherwise. Choices in coleman.search.backends:
    # haystack.HaystackSearchBackend, simple.SimpleSearchBackend,
    # postgres.PostgresSearchBackend (PostgreSQL only), sphinx.SphinxSearchBackend.
    "SEARCH_BACKEND": None,
    # Results per page on /search/.
    "SEARCH_RESULTS_PER_PAGE": 20,
    # Most matches a search considers (for counts, filters and sorting); more are dropped.
    "SEARCH_MAX_MATCHES": 10000,
    # Longest query accepted, in characters; longer ones get a 400 with an explanation.
    "SEARCH_MAX_QUERY_LENGTH": 200,
    # Suggestions the search box offers while typing.
    "SEARCH_AUTOCOMPLETE_LIMIT": 8,
    # "More like this" products shown on a product page (0 hides the section).
    "SEARCH_MORE_LIKE_THIS": 4,
    # Update the search index as soon as a product is saved or deleted (the book's
    # real-time search); False leaves it to scheduled `update_index --age=N` runs.
    "SEARCH_REALTIME": True,
    # Price bands offered as filters: upper bounds in the store's currency (a last,
    # open-ended band is added above the highest bound).
    "SEARCH_PRICE_BANDS": ("10", "25", "50", "100"),
    # Sphinx searchd's SphinxQL (MySQL protocol) address and the index to query.
    "SEARCH_SPHINX_HOST": "127.0.0.1",
    "SEARCH_SPHINX_PORT": 9306,
    "SEARCH_SPHINX_INDEX": "coleman_products",
    # Sphinx field weights (the book's django-sphinx weights, plus the other fields).
    "SEARCH_SPHINX_FIELD_WEIGHTS": {"name": 100, "description": 80, "manufacturer": 50, "taxonomy": 30},

}


class ColemanSettings:
    """Attribute access to ``COLEMAN_*`` settings with the defaults above."""

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown Coleman setting: COLEMAN_{name}")
        return getattr(settings, f"COLEMAN_{name}", DEFAULTS[name])


coleman_settings = ColemanSettings()

__all__ = ["DEFAULTS", "coleman_settings"]
