"""Test settings: fast hashing, in-memory email and cache, media in a throwaway folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

DEBUG = False
SECRET_KEY = "test-only-not-secret-2f9d61a7c0e54b0b8f3a"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

_TEST_VAR = Path(os.environ.get("COLEMAN_TEST_VAR_DIR") or tempfile.mkdtemp(prefix="coleman-test-"))
MEDIA_ROOT = _TEST_VAR / "media"
STATIC_ROOT = _TEST_VAR / "static"
# Each test process (and xdist worker) gets its own search index folder.
_WHOOSH_PATH = _TEST_VAR / f"whoosh-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
HAYSTACK_CONNECTIONS = {"default": {**HAYSTACK_CONNECTIONS["default"], "PATH": str(_WHOOSH_PATH)}}  # noqa: F405

# Serve static files from the finders in tests (the browser tests need the CSS and JS).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The payment gateway sandbox plays Google Checkout, Amazon FPS and PayPal locally (never in production).
INSTALLED_APPS = [*INSTALLED_APPS, "coleman.payments.sandbox"]

# Salesforce sync (manage.py salesforce_sync) talks to the gateway sandbox's Salesforce.
COLEMAN_SALESFORCE_LOGIN_URL = "http://testserver/sandbox/salesforce"
