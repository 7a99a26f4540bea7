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
    # Labels ("app_label.Model") of other models whose saves and deletes must also refresh
    # cached catalog pages, e.g. a rating model whose averages the product cards show.
    "CATALOG_CACHE_INVALIDATED_BY": [],
    # --- customers --------------------------------------------------------------------

    # --- cart -------------------------------------------------------------------------

    # --- orders -----------------------------------------------------------------------

    # --- payments ---------------------------------------------------------------------

    # --- ratings and reviews ----------------------------------------------------------

    # --- search -----------------------------------------------------------------------

}


class ColemanSettings:
    """Attribute access to ``COLEMAN_*`` settings with the defaults above."""

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown Coleman setting: COLEMAN_{name}")
        return getattr(settings, f"COLEMAN_{name}", DEFAULTS[name])


coleman_settings = ColemanSettings()

__all__ = ["DEFAULTS", "coleman_settings"]
