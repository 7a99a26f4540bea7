"""WSGI entry point for gunicorn, mod_wsgi and friends (production settings by default)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_book.settings.production")

application = get_wsgi_application()
