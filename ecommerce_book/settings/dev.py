"""Development settings: the embedded defaults (SQLite, Whoosh, local files, console email)."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, VAR_DIR

DEBUG = True
SECRET_KEY = "dev-only-not-secret-6c1f0f5e0b8a4c1e9b1d"  # noqa: S105 - dev only, never used in production
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

VAR_DIR.mkdir(parents=True, exist_ok=True)

# The payment gateway sandbox plays Google Checkout, Amazon FPS and PayPal locally (never in production).
INSTALLED_APPS = [*INSTALLED_APPS, "coleman.payments.sandbox"]

# Salesforce sync (manage.py salesforce_sync) talks to the gateway sandbox's Salesforce.
COLEMAN_SALESFORCE_LOGIN_URL = "http://127.0.0.1:8000/sandbox/salesforce"
