"""Test settings: fast hashing, in-memory email and cache, media in a throwaway folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import _TASK_BACKENDS
from .gateway_sandbox import *  # noqa: F403
from .gateway_sandbox import INSTALLED_APPS

DEBUG = False
SECRET_KEY = "test-only-not-secret-2f9d61a7c0e54b0b8f3a"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Tasks run at once, in the test's own thread: mail.outbox and the search index see their work
# (a test of a queue sets TASKS_BACKEND=database or rq for its own process).
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]}}

_TEST_VAR = Path(os.environ.get("COLEMAN_TEST_VAR_DIR") or tempfile.mkdtemp(prefix="coleman-test-"))
MEDIA_ROOT = _TEST_VAR / "media"
STATIC_ROOT = _TEST_VAR / "static"
# Each test process (and xdist worker) gets its own search index folder.
_WHOOSH_PATH = _TEST_VAR / f"whoosh-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
HAYSTACK_CONNECTIONS = {"default": {**HAYSTACK_CONNECTIONS["default"], "PATH": str(_WHOOSH_PATH)}}  # noqa: F405

# Serve static files from the finders in tests (the browser tests need the CSS and JS).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The payment gateway sandbox plays Google Checkout, Amazon FPS, PayPal and Stripe on this site. The
# store's server-to-server calls go to http://testserver/sandbox/…, which the test suite's
# transport adapter hands to Django's test client (tests/payments/transport.py): no network,
# no server thread. The sandbox's calls back to the store go the same way. Browser journeys
# (tests/e2e) point these at their live server instead.
_SITE = "http://testserver"
COLEMAN_GOOGLE_API_BASE = f"{_SITE}/sandbox/google/api/checkout/v2/"
COLEMAN_AMAZON_FPS_ENDPOINT = f"{_SITE}/sandbox/amazon/fps/"
COLEMAN_PAYPAL_NVP_ENDPOINT = f"{_SITE}/sandbox/paypal/nvp/"
COLEMAN_PAYPAL_IPN_POSTBACK_URL = f"{_SITE}/sandbox/paypal/ipn-verify/"
COLEMAN_STRIPE_API_BASE = f"{_SITE}/sandbox/stripe"
COLEMAN_SALESFORCE_LOGIN_URL = f"{_SITE}/sandbox/salesforce"
COLEMAN_PAYMENTS_HTTP_ADAPTERS = {f"{_SITE}/": "tests.payments.transport.DjangoTestClientAdapter"}

# The CranStore demo: `manage.py load_cranstore` (demo catalog) and `manage.py demo_staff`.
INSTALLED_APPS = [*INSTALLED_APPS, "ecommerce_book.demo"]

# django-paypal's PayPalWPP drives the PayPal sandbox in tests/payments/test_paypal_wpp.py: an
# NVP client written by others, so the sandbox is checked against what a real client expects.
# Its app is installed for the tests only (it logs every call in its PayPalNVP model).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.payments.paypal_pro_app.PayPalProConfig"]
PAYPAL_TEST = True
PAYPAL_WPP_USER = "sandbox-merchant_api1.example.com"
PAYPAL_WPP_PASSWORD = "sandbox-password-not-secret"  # noqa: S105 - the sandbox's test account
PAYPAL_WPP_SIGNATURE = "sandbox-signature-not-secret"
