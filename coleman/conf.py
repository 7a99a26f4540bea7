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
    # The most units of one product a cart line may hold (larger orders: contact the store).
    "CART_MAX_QUANTITY": 99,
    # The most lines (different products) one cart may hold.
    "CART_MAX_LINES": 100,

    # --- orders -----------------------------------------------------------------------
    # Dotted path of the shipping calculator (see coleman.orders.shipping): FlatRateShipping,
    # PerItemShipping, WeightTableShipping or FreeOverThresholdShipping, or your own class.
    "SHIPPING_CALCULATOR": "coleman.orders.shipping.FlatRateShipping",
    # FlatRateShipping: the charge per order.
    "SHIPPING_FLAT_RATE": "5.00",
    # PerItemShipping: the charge per unit in the cart.
    "SHIPPING_PER_ITEM": "1.50",
    # WeightTableShipping: (up to this many pounds, price) rows in ascending order; a last
    # row with None covers anything heavier. Weights come from Product.weight.
    "SHIPPING_WEIGHT_TABLE": [("1", "4.00"), ("5", "7.50"), ("20", "15.00"), (None, "25.00")],
    # FreeOverThresholdShipping: subtotals at or above this ship free; below it the
    # calculator named by SHIPPING_FREE_OVER_BASE quotes.
    "SHIPPING_FREE_OVER": "50.00",
    "SHIPPING_FREE_OVER_BASE": "coleman.orders.shipping.FlatRateShipping",
    # NEW orders older than this many days count as abandoned (cleanup_abandoned_orders).
    "ORDER_ABANDONED_DAYS": 14,
    # Guest order look-ups allowed per client address in ORDER_LOOKUP_WINDOW seconds.
    "ORDER_LOOKUP_ATTEMPTS": 10,
    "ORDER_LOOKUP_WINDOW": 600,

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
