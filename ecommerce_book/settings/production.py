"""Production settings: everything secret or site-specific comes from the environment.

Required: ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` (comma-separated), ``DATABASE_URL``.
Optional: ``CACHE_URL`` (redis://…), ``EMAIL_URL``-style SMTP settings below,
``DJANGO_SECURE_HSTS_SECONDS``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in the environment to run the production settings.")

ALLOWED_HOSTS = [host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
# Load balancers and the deploy check ask /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The store's pages run no inline script or style: enforce the Content-Security-Policy of
# coleman.conf ("report-only" to try a changed policy first).
COLEMAN_CONTENT_SECURITY_POLICY_MODE = os.environ.get("COLEMAN_CONTENT_SECURITY_POLICY_MODE", "enforce")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Production runs behind one TLS-terminating proxy (see SECURE_PROXY_SSL_HEADER): login and
# email throttles must read the client's address from X-Forwarded-For, not the proxy's.
COLEMAN_PROXY_COUNT = int(os.environ.get("COLEMAN_PROXY_COUNT", "1"))
# The store's address for links in emails ("https://shop.example.com"); empty: https:// + the first host.
COLEMAN_SITE_URL = os.environ.get("COLEMAN_SITE_URL", "")

# Several app servers share one file store: a shared directory (DJANGO_MEDIA_ROOT on NFS or
# similar) or an S3-compatible bucket named by AWS_STORAGE_BUCKET_NAME (credentials from the
# usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables, read by boto3).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    STORAGES = {**STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}

# Search shared by several app servers: COLEMAN_SEARCH_BACKEND=coleman.search.backends.postgres.
# PostgresSearchBackend reads the shared database (the Whoosh default keeps a per-machine index).
if os.environ.get("COLEMAN_SEARCH_BACKEND"):
    COLEMAN_SEARCH_BACKEND = os.environ["COLEMAN_SEARCH_BACKEND"]
COLEMAN_SEARCH_REALTIME = os.environ.get("COLEMAN_SEARCH_REALTIME", "1") == "1"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"

LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR"}  # noqa: F405

# Payments. No payment service is on until the environment names it, comma-separated, e.g.
# COLEMAN_PAYMENTS_PROCESSORS="coleman.payments.processors.google.GoogleCheckout". With none,
# checkout places orders that wait for payment.
COLEMAN_PAYMENTS_PROCESSORS = [
    path.strip() for path in os.environ.get("COLEMAN_PAYMENTS_PROCESSORS", "").split(",") if path.strip()
]
# A site that takes no real money (staging) may set COLEMAN_PAYMENTS_ALLOW_SANDBOX=1; otherwise a
# sandbox endpoint (or the gateway sandbox app) fails `manage.py check` (coleman.E108).
COLEMAN_PAYMENTS_ALLOW_SANDBOX = os.environ.get("COLEMAN_PAYMENTS_ALLOW_SANDBOX", "0") == "1"
# Credentials come from the environment only (empty: `manage.py check` refuses a processor that
# is switched on without them). Endpoints default to the services' live URLs (declared on the
# processor classes); an environment variable replaces one, and an unset one (None) keeps it.
COLEMAN_GOOGLE_MERCHANT_ID = os.environ.get("COLEMAN_GOOGLE_MERCHANT_ID", "")
COLEMAN_GOOGLE_MERCHANT_KEY = os.environ.get("COLEMAN_GOOGLE_MERCHANT_KEY", "")
COLEMAN_GOOGLE_CLIENT_CERT = os.environ.get("COLEMAN_GOOGLE_CLIENT_CERT", "")
COLEMAN_GOOGLE_API_BASE = os.environ.get("COLEMAN_GOOGLE_API_BASE") or None
COLEMAN_AMAZON_ACCESS_KEY = os.environ.get("COLEMAN_AMAZON_ACCESS_KEY", "")
COLEMAN_AMAZON_SECRET_KEY = os.environ.get("COLEMAN_AMAZON_SECRET_KEY", "")
COLEMAN_AMAZON_CBUI_ENDPOINT = os.environ.get("COLEMAN_AMAZON_CBUI_ENDPOINT") or None
COLEMAN_AMAZON_FPS_ENDPOINT = os.environ.get("COLEMAN_AMAZON_FPS_ENDPOINT") or None
COLEMAN_PAYPAL_API_USER = os.environ.get("COLEMAN_PAYPAL_API_USER", "")
COLEMAN_PAYPAL_API_PASSWORD = os.environ.get("COLEMAN_PAYPAL_API_PASSWORD", "")
COLEMAN_PAYPAL_API_SIGNATURE = os.environ.get("COLEMAN_PAYPAL_API_SIGNATURE", "")
COLEMAN_PAYPAL_RECEIVER_EMAIL = os.environ.get("COLEMAN_PAYPAL_RECEIVER_EMAIL", "")
COLEMAN_PAYPAL_NVP_ENDPOINT = os.environ.get("COLEMAN_PAYPAL_NVP_ENDPOINT") or None
COLEMAN_PAYPAL_APPROVAL_URL = os.environ.get("COLEMAN_PAYPAL_APPROVAL_URL") or None
COLEMAN_PAYPAL_IPN_POSTBACK_URL = os.environ.get("COLEMAN_PAYPAL_IPN_POSTBACK_URL") or None
COLEMAN_STRIPE_SECRET_KEY = os.environ.get("COLEMAN_STRIPE_SECRET_KEY", "")
COLEMAN_STRIPE_WEBHOOK_SECRET = os.environ.get("COLEMAN_STRIPE_WEBHOOK_SECRET", "")
COLEMAN_STRIPE_API_BASE = os.environ.get("COLEMAN_STRIPE_API_BASE") or None

# Salesforce sync: the org's login URL and the integration user come only from the environment.
COLEMAN_SALESFORCE_LOGIN_URL = os.environ.get("COLEMAN_SALESFORCE_LOGIN_URL", "https://login.salesforce.com")
COLEMAN_SALESFORCE_USERNAME = os.environ.get("COLEMAN_SALESFORCE_USERNAME", "")
COLEMAN_SALESFORCE_PASSWORD = os.environ.get("COLEMAN_SALESFORCE_PASSWORD", "")
COLEMAN_SALESFORCE_SECURITY_TOKEN = os.environ.get("COLEMAN_SALESFORCE_SECURITY_TOKEN", "")
COLEMAN_SALESFORCE_CONSUMER_KEY = os.environ.get("COLEMAN_SALESFORCE_CONSUMER_KEY", "")
COLEMAN_SALESFORCE_CONSUMER_SECRET = os.environ.get("COLEMAN_SALESFORCE_CONSUMER_SECRET", "")
