"""Development settings: the embedded defaults (SQLite, Whoosh, local files, console email)."""

import os

from .base import *  # noqa: F403
from .base import _TASK_BACKENDS, INSTALLED_APPS, VAR_DIR

DEBUG = True
SECRET_KEY = "dev-only-not-secret-6c1f0f5e0b8a4c1e9b1d"  # noqa: S105 - dev only, never used in production
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Tasks (emails, search index updates) run inside the request, so emails appear on the console
# at once without a worker; TASKS_BACKEND=database in the environment tries the queue.
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]}}

VAR_DIR.mkdir(parents=True, exist_ok=True)

# The demo shows Google's Buy It Now button on product pages (see the README's tour).
COLEMAN_GOOGLE_BUY_IT_NOW = True

# The payment gateway sandbox plays Google Checkout, Amazon FPS and PayPal locally (never in production).
INSTALLED_APPS = [*INSTALLED_APPS, "coleman.payments.sandbox"]

# The CranStore demo: `manage.py load_cranstore` (demo catalog) and `manage.py demo_staff`.
INSTALLED_APPS = [*INSTALLED_APPS, "ecommerce_book.demo"]
