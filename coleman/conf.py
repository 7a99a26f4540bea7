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
    # Amazon FPS (Co-Branded UI). The keys below are dev/test values the sandbox knows;
    # production sets real ones from the environment.
    "AMAZON_ACCESS_KEY": "SANDBOX-AMAZON-ACCESS-KEY",
    "AMAZON_SECRET_KEY": "sandbox-amazon-secret-key-not-secret",  # noqa: S105 - sandbox only
    # CBUI start page and FPS API endpoint; empty means this site's gateway sandbox.
    # Real: "https://authorize.payments.amazon.com/cobranded-ui/actions/start", "https://fps.amazonaws.com/".
    "AMAZON_CBUI_ENDPOINT": "",
    "AMAZON_FPS_ENDPOINT": "",
    # Charge the token with FPS Pay as soon as the shopper returns; False leaves it for the
    # staff "charge" action (the book charges when the order is fulfilled).
    "AMAZON_PAY_ON_RETURN": True,
    # PayPal Express Checkout (NVP API credentials; dev/test values the sandbox knows).
    "PAYPAL_API_USER": "sandbox-merchant_api1.example.com",
    "PAYPAL_API_PASSWORD": "sandbox-password-not-secret",  # noqa: S105 - sandbox only
    "PAYPAL_API_SIGNATURE": "sandbox-signature-not-secret",
    # The PayPal account that must receive the money (checked on every IPN).
    "PAYPAL_RECEIVER_EMAIL": "sandbox-merchant@example.com",
    # NVP endpoint, approval page and IPN post-back URL; empty means this site's sandbox.
    # Real: "https://api-3t.paypal.com/nvp", "https://www.paypal.com/cgi-bin/webscr",
    # "https://ipnpb.paypal.com/cgi-bin/webscr".
    "PAYPAL_NVP_ENDPOINT": "",
    "PAYPAL_APPROVAL_URL": "",
    "PAYPAL_IPN_POSTBACK_URL": "",
    # Seconds to wait for Amazon / PayPal API answers.
    "PAYMENTS_HTTP_TIMEOUT": 15,
    # Gateway sandbox: the merchant accounts it accepts (access key -> secret key for Amazon,
    # API user -> password/signature/email for PayPal), and whether it posts PayPal IPNs.
    "SANDBOX_AMAZON_ACCOUNTS": {"SANDBOX-AMAZON-ACCESS-KEY": "sandbox-amazon-secret-key-not-secret"},
    "SANDBOX_PAYPAL_ACCOUNTS": {
        "sandbox-merchant_api1.example.com": {
            "password": "sandbox-password-not-secret",
            "signature": "sandbox-signature-not-secret",
            "email": "sandbox-merchant@example.com",
        }
    },
    "SANDBOX_PAYPAL_SEND_IPN": True,

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
