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
    # The store's address for absolute links in emails ("https://shop.example.com"), which are
    # often sent with no shopper's request at hand. Empty: https:// plus the first
    # ALLOWED_HOSTS name (http:// with DEBUG; http://127.0.0.1:8000 with no hosts).
    "SITE_URL": "",
    # ISO 4217 code of the one currency the store sells in.
    "CURRENCY": "USD",
    # Symbol printed by the ``|currency`` filter.
    "CURRENCY_SYMBOL": "$",
    # Query strings longer than this are answered with 400 (protects every page).
    "MAX_QUERY_STRING_LENGTH": 4096,
    # Paths whose clients are programs: the store's own request guards answer them in JSON
    # (``{"detail": …}``), as the API answers its own errors, instead of the HTML error page.
    "JSON_ERROR_PATH_PREFIXES": ("/api/",),
    # Reverse proxies in front of the site that append to X-Forwarded-For. 0: the client's
    # address is REMOTE_ADDR; 1 (one nginx in front): the last X-Forwarded-For entry; …
    # Every throttle is per client address (coleman.core.throttling.client_ip), so behind a
    # proxy this must be set, or every visitor shares the proxy's address.
    "PROXY_COUNT": 0,
    # Content-Security-Policy sent with every response (coleman.core.middleware): "off",
    # "report-only" (Content-Security-Policy-Report-Only: violations are reported, nothing is
    # blocked) or "enforce". The production settings enforce it.
    "CONTENT_SECURITY_POLICY_MODE": "off",
    # The policy: directive -> sources. The store's own pages need nothing inline (scripts and
    # styles are static files), so 'unsafe-inline' is never needed. The origins of STATIC_URL
    # and MEDIA_URL are added to the directives that load them when they are absolute (a CDN,
    # S3). A view that sets its own Content-Security-Policy header keeps it.
    "CONTENT_SECURITY_POLICY": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
    # Where browsers send violation reports ("" for none): adds a report-uri directive.
    "CONTENT_SECURITY_POLICY_REPORT_URI": "",
    # Seconds the logged-in user's row may be read from the cache by
    # coleman.core.auth.CachedModelBackend; saving or deleting the user forgets it at once.
    "USER_CACHE_SECONDS": 600,
    # --- products ---------------------------------------------------------------------
    # Products per page on the product, catalog and category lists.
    "PRODUCTS_PER_PAGE": 24,
    # The deepest page of a product listing (0: no limit). Deeper pages answer 404 with a
    # page pointing to catalogs, categories and search: a page N costs an index walk over
    # the N - 1 pages before it, and crawlers find every product through the sitemap.
    "PRODUCTS_MAX_PAGES": 100,
    # How many new and featured products the home page shows.
    "HOME_NEW_PRODUCTS": 8,
    # Title of the home page (before " · " and the store's name); empty: the store's name alone.
    # A translatable title: gettext_lazy("…") in the project's settings.
    "PRODUCTS_HOME_TITLE": "",
    # Seconds a rendered catalog fragment may be served from the cache; edits to the
    # catalog invalidate it at once regardless.
    "CATALOG_CACHE_SECONDS": 600,
    # How many cached catalog fragments (whole pages included) each process also keeps in
    # its own memory, read without asking the shared cache (0: none). A page is 10-60 KB.
    "CATALOG_LOCAL_CACHE_ENTRIES": 200,
    # Labels ("app_label.Model") of other models whose saves and deletes must also refresh
    # cached catalog pages, e.g. a rating model whose averages the product cards show.
    "CATALOG_CACHE_INVALIDATED_BY": [],
    # Product cards, lists and pages say "Only N left" when N units or fewer are in stock
    # (0: never; "Out of stock" is always shown).
    "PRODUCTS_LOW_STOCK": 5,
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
    # trigger within the lockout window above; beyond it those forms answer 429. Generous:
    # a school, an office or a mobile carrier puts many shoppers behind one address.
    "CUSTOMERS_EMAILS_PER_CLIENT": 30,
    # Account emails one email address may be sent within the lockout window above, from any
    # number of clients (so nobody can flood one mailbox); beyond it those forms answer 429.
    "CUSTOMERS_EMAILS_PER_ADDRESS": 3,
    # Addresses one customer may keep in their address book.
    "CUSTOMERS_MAX_ADDRESSES": 20,
    # --- cart -------------------------------------------------------------------------
    # The most units of one product a cart line may hold (larger orders: contact the store).
    "CART_MAX_QUANTITY": 99,
    # The most lines (different products) one cart may hold.
    "CART_MAX_LINES": 100,
    # --- tax and offers ----------------------------------------------------------------
    # Dotted path of the tax strategy (coleman.tax.strategies): NoTax, UsSalesTax (added, by
    # the shipping state, rates in the admin) or IncludedVat (in the prices, by country).
    "TAX_STRATEGY": "coleman.tax.strategies.NoTax",
    # IncludedVat: the country whose rate the cart shows before the shopper gives an address.
    "TAX_DEFAULT_COUNTRY": "",
    # Seconds the snapshot of active automatic offers stays cached (edits refresh it at once;
    # an offer's start or end takes effect within this time).
    "OFFERS_CACHE_SECONDS": 60,
    # The longest voucher code a shopper may type (longer input is refused before any query).
    "OFFERS_VOUCHER_CODE_MAX_LENGTH": 40,
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
    # The address book checkout offers signed-in shoppers: the dotted path of a callable
    # user -> list of address dicts (see coleman/orders/address_book.py). None: the customers
    # app's book when coleman.customers is installed, else none; "": no address book.
    "ORDERS_ADDRESS_BOOK": None,
    # Where checkout's "Save this address" puts a new address: the dotted path of a callable
    # (user, address dict) -> saved or None. None: the customers app's when checkout uses its
    # address book, else none; "": checkout offers no "Save this address".
    "ORDERS_ADDRESS_BOOK_SAVE": None,
    # Guest order look-ups allowed per client address in ORDER_LOOKUP_WINDOW seconds.
    "ORDER_LOOKUP_ATTEMPTS": 10,
    "ORDER_LOOKUP_WINDOW": 600,
    # --- payments ---------------------------------------------------------------------
    # Payment processors offered at checkout, in order: dotted paths of PaymentProcessor
    # subclasses (see coleman/payments/README-processors.md). Each processor declares its own
    # settings and their defaults on its class (default_settings): credentials empty, endpoints
    # at the service's live URLs. Google Checkout: COLEMAN_GOOGLE_* (MERCHANT_ID, MERCHANT_KEY,
    # API_BASE, CART_API, BUY_IT_NOW, CARRIER_SHIPPING, SHIPPING_METHODS, TIMEOUT, CLIENT_CERT); Amazon FPS:
    # COLEMAN_AMAZON_* (ACCESS_KEY, SECRET_KEY, CBUI_ENDPOINT, FPS_ENDPOINT, PAY_ON_RETURN…);
    # PayPal: COLEMAN_PAYPAL_* (API_USER, API_PASSWORD, API_SIGNATURE, RECEIVER_EMAIL,
    # NVP_ENDPOINT, APPROVAL_URL, IPN_POSTBACK_URL…); Stripe Checkout: COLEMAN_STRIPE_*
    # (SECRET_KEY, WEBHOOK_SECRET, WEBHOOK_TOLERANCE, API_BASE…).
    "PAYMENTS_PROCESSORS": [
        "coleman.payments.processors.google.GoogleCheckout",
        "coleman.payments.processors.amazon.AmazonFPS",
        "coleman.payments.processors.paypal.PayPalExpressCheckout",
        "coleman.payments.processors.stripe.StripeCheckout",
    ],
    # True on sites that take no real money (development, tests, a staging site): processors
    # may point at sandboxes and the gateway sandbox app may be installed. False (the default)
    # makes both a system-check error (coleman.E108).
    "PAYMENTS_ALLOW_SANDBOX": False,
    # Inbound payment messages larger than this many bytes are refused unparsed.
    "PAYMENTS_MAX_MESSAGE_BYTES": 256 * 1024,
    # Seconds to wait for a payment service's answer (a processor's own TIMEOUT setting wins).
    "PAYMENTS_HTTP_TIMEOUT": 15,
    # Extra transport adapters mounted on every gateway session (coleman.payments.http), by URL
    # prefix: {"http://testserver/": "dotted.path.AdapterClass"}. The test settings mount one
    # that hands requests to Django's test client.
    "PAYMENTS_HTTP_ADAPTERS": {},
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
    # Seconds an object's rating summary, reviews and a customer's own rating may be served
    # from the cache; every new rating, review or moderation decision refreshes them at once.
    "RATINGS_CACHE_SECONDS": 600,
    # Rating and review posts one client address may make within RATINGS_POSTS_WINDOW
    # seconds; beyond them the posts are refused with 429 until the window has passed.
    # Every post counts, including refused ones. An office or campus shares one address,
    # so keep the limits well above what one shopper needs.
    "RATINGS_RATE_POSTS": 60,
    "RATINGS_REVIEW_POSTS": 10,
    "RATINGS_POSTS_WINDOW": 600,
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
    # The integration user and its connected app: empty here; production reads them from the
    # environment, and the dev/test settings give the gateway sandbox's account.
    "SALESFORCE_USERNAME": "",
    "SALESFORCE_PASSWORD": "",
    "SALESFORCE_SECURITY_TOKEN": "",
    "SALESFORCE_CONSUMER_KEY": "",
    "SALESFORCE_CONSUMER_SECRET": "",
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
    # --- digital goods and subscriptions (coleman.digital) -----------------------------
    # Folder of the local private storage of downloadable files (used while no S3 bucket is
    # set). None: a "private" folder beside MEDIA_ROOT. Must lie outside MEDIA_ROOT and the
    # static folders: nothing there is ever served by URL, only through signed links.
    "DIGITAL_ROOT": None,
    # Downloads each purchase allows (None: no limit); staff can reset or change it per purchase.
    "DIGITAL_DOWNLOAD_LIMIT": 5,
    # Days a purchase can be downloaded after payment (None: for ever).
    "DIGITAL_ACCESS_DAYS": None,
    # Seconds a download link (S3 presigned URL or local signed URL) stays valid once made.
    "DIGITAL_LINK_SECONDS": 300,
    # Days the access link in a guest's paid-order email keeps opening the order's downloads.
    "DIGITAL_GUEST_LINK_DAYS": 30,
    # Local storage only: let the web server send the file. None (Django streams it),
    # "x-sendfile" (Apache mod_xsendfile, lighttpd) or "x-accel-redirect" (nginx).
    "DIGITAL_SENDFILE": None,
    # X-Accel-Redirect: the nginx "internal" location that maps onto DIGITAL_ROOT.
    "DIGITAL_ACCEL_PREFIX": "/protected-downloads/",
    # S3 (django-storages + boto3): setting a bucket stores the files there instead of locally.
    "DIGITAL_S3_BUCKET": "",
    # Key prefix inside the bucket ("digital" stores videos/intro.mp4 as digital/videos/intro.mp4).
    "DIGITAL_S3_PREFIX": "digital",
    "DIGITAL_S3_REGION": "",
    # For S3-compatible services (MinIO, Ceph, a test server): their endpoint, e.g. "http://127.0.0.1:9000".
    "DIGITAL_S3_ENDPOINT_URL": "",
    # Credentials; empty means boto3's usual chain (environment, instance role, ~/.aws).
    "DIGITAL_S3_ACCESS_KEY_ID": "",
    "DIGITAL_S3_SECRET_ACCESS_KEY": "",
    # "s3v4" (AWS's current presigned URLs) or "s3" (the book's query-string authentication).
    "DIGITAL_S3_SIGNATURE_VERSION": "s3v4",
    # "auto", "path" or "virtual" bucket addressing (S3-compatible servers often need "path").
    "DIGITAL_S3_ADDRESSING_STYLE": "auto",
    # CloudFront signed URLs instead of S3 presigned ones: the distribution's domain, the key
    # pair id and the PEM private key (text). All three or none.
    "DIGITAL_CLOUDFRONT_DOMAIN": "",
    "DIGITAL_CLOUDFRONT_KEY_ID": "",
    "DIGITAL_CLOUDFRONT_PRIVATE_KEY": "",
    # The group whose members may open the members' page (/downloads/members/): a
    # subscription plan that grants this group gives access to it.
    "DIGITAL_MEMBERS_GROUP": "Members",
    # --- wishlists and back-in-stock alerts (coleman.wishlists) ---------------------------
    # Lists one customer may keep, and products one list may hold.
    "WISHLISTS_MAX_LISTS": 20,
    "WISHLISTS_MAX_ITEMS": 200,
    # Days the confirmation link a guest gets for a back-in-stock alert stays valid.
    "WISHLISTS_ALERT_CONFIRM_DAYS": 3,
    # Confirmation emails for back-in-stock alerts one client address may trigger within
    # WISHLISTS_ALERT_WINDOW seconds; beyond them the form answers 429.
    "WISHLISTS_ALERT_EMAILS_PER_CLIENT": 10,
    "WISHLISTS_ALERT_WINDOW": 3600,
}


class ColemanSettings:
    """Attribute access to ``COLEMAN_*`` settings with the defaults above.

    Another table of defaults may be given with its own prefix (the gateway sandbox's
    ``COLEMAN_SANDBOX_*`` settings: ``ColemanSettings(DEFAULTS, prefix="COLEMAN_SANDBOX_")``).
    """

    def __init__(self, defaults=None, *, prefix="COLEMAN_"):
        self._defaults = DEFAULTS if defaults is None else defaults
        self._prefix = prefix

    def __getattr__(self, name):
        if name not in self._defaults:
            raise AttributeError(f"Unknown Coleman setting: {self._prefix}{name}")
        return getattr(settings, f"{self._prefix}{name}", self._defaults[name])


coleman_settings = ColemanSettings()

__all__ = ["DEFAULTS", "coleman_settings"]
