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
    # Reverse proxies in front of the site that append to X-Forwarded-For. 0: the client's
    # address is REMOTE_ADDR; 1 (one nginx in front): the last X-Forwarded-For entry; …
    # Every throttle is per client address (coleman.core.throttling.client_ip), so behind a
    # proxy this must be set, or every visitor shares the proxy's address.
    "PROXY_COUNT": 0,
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
    # Products each RSS/Atom feed lists (the newest first).
    "FEED_ITEMS": 30,
    # The deals feed lists products added within this many days.
    "FEED_DEALS_DAYS": 14,
    # Seconds the sitemap keeps each category's latest change (refreshed at once on any
    # product edit, since the key holds the catalog's latest change).
    "SITEMAP_CACHE_SECONDS": 3600,
    # Paths /robots.txt asks crawlers to leave alone (next to the sitemap's address).
    "ROBOTS_DISALLOW": ["/cart/", "/checkout/", "/accounts/", "/orders/", "/admin/", "/api/", "/reports/"],
    # --- customers --------------------------------------------------------------------
    # Failed logins allowed for one username from one IP address before further attempts
    # are refused (429) until the window below has passed.
    "CUSTOMERS_LOGIN_ATTEMPTS": 5,
    # Seconds a run of failed logins is remembered (and a locked-out pair stays locked).
    "CUSTOMERS_LOGIN_LOCKOUT_SECONDS": 900,
    # Account emails (sign-up, new activation link, password reset) one IP address may
    # trigger within the lockout window above; beyond it those forms answer 429.
    "CUSTOMERS_EMAILS_PER_CLIENT": 10,
    # Addresses one customer may keep in their address book.
    "CUSTOMERS_MAX_ADDRESSES": 20,
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
    # Payment processors offered at checkout, in order: dotted paths of PaymentProcessor
    # subclasses (see coleman/payments/README-processors.md).
    "PAYMENTS_PROCESSORS": [
        "coleman.payments.processors.google.GoogleCheckout",
        "coleman.payments.processors.amazon.AmazonFPS",
        "coleman.payments.processors.paypal.PayPalExpressCheckout",
    ],
    # Refuse to start when a processor points at the gateway sandbox (set True by the
    # production settings; COLEMAN_PAYMENTS_ALLOW_SANDBOX=1 in the environment overrides).
    "PAYMENTS_REQUIRE_LIVE_ENDPOINTS": False,
    # The gateway sandbox app refuses to load when this is True (the production settings set it).
    "PAYMENTS_SANDBOX_FORBIDDEN": False,
    # Inbound payment messages larger than this many bytes are refused unparsed.
    "PAYMENTS_MAX_MESSAGE_BYTES": 256 * 1024,
    # Google Checkout. Merchant id and key are dev/test values the sandbox knows;
    # production sets real ones from the environment.
    "GOOGLE_MERCHANT_ID": "1234567890",
    "GOOGLE_MERCHANT_KEY": "sandbox-google-merchant-key-not-secret",  # noqa: S105 - sandbox only
    # Base of the Checkout API; empty means this site's gateway sandbox. Real:
    # "https://checkout.google.com/api/checkout/v2/" (sandbox: "https://sandbox.google.com/checkout/api/checkout/v2/").
    "GOOGLE_API_BASE": "",
    # Optional client certificate for the Order Processing API (path, or (cert, key) paths).
    "GOOGLE_CLIENT_CERT": "",
    # Seconds to wait for the Order Processing API.
    "GOOGLE_TIMEOUT": 15,
    # "xml" posts the signed cart XML; "html" posts the HTML API form fields.
    "GOOGLE_CART_API": "xml",
    # Show Google's "Buy It Now" button on product pages.
    "GOOGLE_BUY_IT_NOW": False,
    # Carrier-calculated shipping instead of our own shipping charge: None, or
    # {"ship_from": {"city", "region", "postal_code", "country"}, "methods": [["UPS", "Ground"], ...],
    #  "default_price": "10.00", "package": {"length": 12, "width": 9, "height": 4}}.
    "GOOGLE_CARRIER_SHIPPING": None,
    # Gateway sandbox, Google: merchant id -> key it accepts; whether it charges a chargeable
    # order at once (Google's "automatically charge" Merchant Center option; False leaves it
    # to the staff "Charge" action); the store's notification URL ("" = this site's).
    "SANDBOX_GOOGLE_ACCOUNTS": {"1234567890": "sandbox-google-merchant-key-not-secret"},
    "SANDBOX_GOOGLE_AUTO_CHARGE": True,
    "SANDBOX_GOOGLE_CALLBACK_URL": "",
    # The buyer the Google sandbox reports in new-order notifications (a made-up address).
    "SANDBOX_GOOGLE_BUYER": {
        "name": "Sandy Buyer",
        "email": "sandbox-buyer@example.com",
        "line1": "1 Sandbox Lane",
        "city": "Wareham",
        "state": "MA",
        "postal_code": "02571",
        "country": "US",
    },
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
    # Models whose objects shoppers may rate and review, as "app_label.model" (lower case).
    # Each must have an integer primary key. Ratings and reviews of an object are deleted
    # with it.
    "RATINGS_ALLOWED_MODELS": ["products.product"],
    # True: new reviews wait for a staff member to approve them in the admin before they
    # are shown. False: reviews are published at once (staff can still remove them).
    "REVIEWS_REQUIRE_APPROVAL": False,
    # Longest review text accepted, in characters.
    "REVIEWS_MAX_LENGTH": 5000,
    # How many of the newest approved reviews an object's page lists.
    "REVIEWS_SHOWN": 50,
    # --- data API (coleman.api) -----------------------------------------------------------
    # Requests allowed per client address (anonymous) and per user: "N/second|minute|hour|day".
    "API_ANON_RATE": "120/minute",
    "API_USER_RATE": "600/minute",
    # Failed HTTP Basic logins one address may make for one user name within the window (s).
    "API_AUTH_FAILURES": 10,
    "API_AUTH_WINDOW": 900,
    # Results per page, and the largest ?page_size= accepted (larger ones are a 400).
    "API_PAGE_SIZE": 20,
    "API_MAX_PAGE_SIZE": 100,
    # Words of ?q= that are matched (the rest are ignored).
    "API_MAX_QUERY_WORDS": 8,
    # --- reports (coleman.reports) -------------------------------------------------------
    # Longest custom period a report may cover, in days.
    "REPORTS_MAX_DAYS": 3660,
    # Best-selling products listed in the sales report.
    "REPORTS_TOP_PRODUCTS": 10,
    # Products the inventory table shows on /reports/ and in the PDF (the CSV lists all).
    "REPORTS_INVENTORY_PAGE_ROWS": 50,
    "REPORTS_INVENTORY_PDF_ROWS": 2000,
    # Most products in the deals flyer (new this week or featured).
    "REPORTS_DEALS_MAX": 60,
    # --- Salesforce sync (coleman.salesforce) -----------------------------------------------
    # Where to log in (OAuth 2.0 username-password flow): https://login.salesforce.com, or
    # https://test.salesforce.com for a Salesforce sandbox org. Dev and test settings point it
    # at the gateway sandbox (http on a loopback address is allowed there only).
    "SALESFORCE_LOGIN_URL": "https://login.salesforce.com",
    "SALESFORCE_API_VERSION": "59.0",
    # The integration user and its connected app. Dev/test values the gateway sandbox knows;
    # production sets real ones from the environment.
    "SALESFORCE_USERNAME": "sandbox-sync@coleman.example",
    "SALESFORCE_PASSWORD": "sandbox-password-not-secret",  # noqa: S105 - sandbox only
    "SALESFORCE_SECURITY_TOKEN": "sandboxtoken",  # noqa: S105 - sandbox only
    "SALESFORCE_CONSUMER_KEY": "sandbox-consumer-key",
    "SALESFORCE_CONSUMER_SECRET": "sandbox-consumer-secret-not-secret",  # noqa: S105 - sandbox only
    # Seconds to wait for Salesforce.
    "SALESFORCE_TIMEOUT": 30,
    # Records per composite/sObject collections call (Salesforce allows at most 200).
    "SALESFORCE_BATCH_SIZE": 200,
    # What is synced where: kind -> Salesforce object, its external id field (holding the
    # store's id, so a re-run updates instead of duplicating) and Salesforce field -> the
    # store's value (the names each kind offers are listed in coleman/salesforce/sources.py).
    # The book's Merchandise__c with Name and price_in_dollars__c is the products default.
    "SALESFORCE_MAPPING": {
        "products": {
            "object": "Merchandise__c",
            "external_id": "Coleman_Id__c",
            "fields": {
                "Name": "name",
                "price_in_dollars__c": "price",
                "Description__c": "description",
                "Slug__c": "slug",
                "Active__c": "is_active",
            },
        },
        "customers": {
            "object": "Contact",
            "external_id": "Coleman_Id__c",
            "fields": {"FirstName": "first_name", "LastName": "last_name", "Email": "email", "Phone": "phone_number"},
        },
        "orders": {
            "object": "Coleman_Order__c",
            "external_id": "Coleman_Id__c",
            "fields": {
                "Name": "number",
                "Status__c": "status",
                "Total__c": "total",
                "Currency__c": "currency",
                "Placed_At__c": "placed_at",
                "Customer_Email__c": "email",
            },
        },
    },
    # Gateway sandbox, Salesforce: the users it accepts, the objects and fields of its org
    # (type, length, required, external id), and the default query batch size.
    "SANDBOX_SALESFORCE_ACCOUNTS": {
        "sandbox-sync@coleman.example": {
            "password": "sandbox-password-not-secret",
            "security_token": "sandboxtoken",
            "consumer_key": "sandbox-consumer-key",
            "consumer_secret": "sandbox-consumer-secret-not-secret",
        }
    },
    "SANDBOX_SALESFORCE_OBJECTS": {
        "Merchandise__c": {
            "Name": {"type": "string", "length": 80, "required": True},
            "price_in_dollars__c": {"type": "currency"},
            "Description__c": {"type": "textarea", "length": 32768},
            "Slug__c": {"type": "string", "length": 150},
            "Active__c": {"type": "boolean"},
            "Coleman_Id__c": {"type": "string", "length": 40, "external_id": True},
        },
        "Contact": {
            "FirstName": {"type": "string", "length": 40},
            "LastName": {"type": "string", "length": 80, "required": True},
            "Email": {"type": "email", "length": 80},
            "Phone": {"type": "phone", "length": 40},
            "Coleman_Id__c": {"type": "string", "length": 40, "external_id": True},
        },
        "Coleman_Order__c": {
            "Name": {"type": "string", "length": 80, "required": True},
            "Status__c": {"type": "string", "length": 40},
            "Total__c": {"type": "currency"},
            "Currency__c": {"type": "string", "length": 3},
            "Placed_At__c": {"type": "datetime"},
            "Customer_Email__c": {"type": "email", "length": 80},
            "Coleman_Id__c": {"type": "string", "length": 40, "external_id": True},
        },
    },
    "SANDBOX_SALESFORCE_QUERY_BATCH": 2000,
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
