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
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Production runs behind one TLS-terminating proxy (see SECURE_PROXY_SSL_HEADER): login and
# email throttles must read the client's address from X-Forwarded-For, not the proxy's.
COLEMAN_PROXY_COUNT = int(os.environ.get("COLEMAN_PROXY_COUNT", "1"))

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"

LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR"}  # noqa: F405

# Payment processors must point at the real services; COLEMAN_PAYMENTS_ALLOW_SANDBOX=1 lets a
# staging site use sandbox endpoints on purpose. The gateway sandbox app refuses to load here.
COLEMAN_PAYMENTS_REQUIRE_LIVE_ENDPOINTS = os.environ.get("COLEMAN_PAYMENTS_ALLOW_SANDBOX", "0") != "1"
COLEMAN_PAYMENTS_SANDBOX_FORBIDDEN = True
_PAYMENT_SETTINGS_FROM_ENV = (
    "GOOGLE_MERCHANT_ID",
    "GOOGLE_MERCHANT_KEY",
    "GOOGLE_API_BASE",
    "GOOGLE_CLIENT_CERT",
    "AMAZON_ACCESS_KEY",
    "AMAZON_SECRET_KEY",
    "AMAZON_CBUI_ENDPOINT",
    "AMAZON_FPS_ENDPOINT",
    "PAYPAL_API_USER",
    "PAYPAL_API_PASSWORD",
    "PAYPAL_API_SIGNATURE",
    "PAYPAL_RECEIVER_EMAIL",
    "PAYPAL_NVP_ENDPOINT",
    "PAYPAL_APPROVAL_URL",
    "PAYPAL_IPN_POSTBACK_URL",
)
# Credentials and endpoints come only from the environment here: the dev/test defaults (which
# the gateway sandbox knows) are never used in production.
for _name in _PAYMENT_SETTINGS_FROM_ENV:
    globals()[f"COLEMAN_{_name}"] = os.environ.get(f"COLEMAN_{_name}", "")

# Payment services are switched on one by one in production, once their credentials are set:
# COLEMAN_PAYMENTS_PROCESSORS="coleman.payments.processors.google.GoogleCheckout,…" (dotted
# paths, comma-separated). With none, checkout places orders that wait for payment.
COLEMAN_PAYMENTS_PROCESSORS = [
    path.strip() for path in os.environ.get("COLEMAN_PAYMENTS_PROCESSORS", "").split(",") if path.strip()
]

# Salesforce sync: the org's login URL and the integration user come only from the environment.
COLEMAN_SALESFORCE_LOGIN_URL = os.environ.get("COLEMAN_SALESFORCE_LOGIN_URL", "https://login.salesforce.com")
for _name in ("USERNAME", "PASSWORD", "SECURITY_TOKEN", "CONSUMER_KEY", "CONSUMER_SECRET"):
    globals()[f"COLEMAN_SALESFORCE_{_name}"] = os.environ.get(f"COLEMAN_SALESFORCE_{_name}", "")
