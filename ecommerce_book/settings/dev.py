"""Development settings: the embedded defaults (SQLite, Whoosh, local files, console email)."""

import os

from .base import *  # noqa: F403
from .base import _TASK_BACKENDS, VAR_DIR
from .gateway_sandbox import *  # noqa: F403
from .gateway_sandbox import INSTALLED_APPS

DEBUG = True
SECRET_KEY = "dev-only-not-secret-6c1f0f5e0b8a4c1e9b1d"  # noqa: S105 - dev only, never used in production
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Tasks (emails, search index updates) run inside the request, so emails appear on the console
# at once without a worker; TASKS_BACKEND=database in the environment tries the queue.
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]}}

VAR_DIR.mkdir(parents=True, exist_ok=True)

# The payment gateway sandbox plays Google Checkout, Amazon FPS, PayPal and Stripe on this site. The
# store calls its API endpoints over HTTP, so they need the dev server's address (`make run`
# serves on 127.0.0.1:8000; runserver is threaded, so the store can call its own sandbox).
_SITE = os.environ.get("COLEMAN_DEV_SERVER_URL", "http://127.0.0.1:8000").rstrip("/")
COLEMAN_GOOGLE_API_BASE = f"{_SITE}/sandbox/google/api/checkout/v2/"
COLEMAN_AMAZON_FPS_ENDPOINT = f"{_SITE}/sandbox/amazon/fps/"
COLEMAN_PAYPAL_NVP_ENDPOINT = f"{_SITE}/sandbox/paypal/nvp/"
COLEMAN_PAYPAL_IPN_POSTBACK_URL = f"{_SITE}/sandbox/paypal/ipn-verify/"
COLEMAN_STRIPE_API_BASE = f"{_SITE}/sandbox/stripe"

COLEMAN_SALESFORCE_LOGIN_URL = f"{_SITE}/sandbox/salesforce"

# The demo shows Google's Buy It Now button on product pages (see the README's tour).
COLEMAN_GOOGLE_BUY_IT_NOW = True

# The CranStore demo: `manage.py load_cranstore` (demo catalog) and `manage.py demo_staff`.
INSTALLED_APPS = [*INSTALLED_APPS, "ecommerce_book.demo"]
