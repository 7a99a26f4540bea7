"""Settings of the benchmark server: the production settings plus the bench-only URLconf.

``bench/catalog.py`` sets the environment (a throwaway secret key, 127.0.0.1 as the allowed
host, SSL redirect off because the benchmark speaks plain HTTP on loopback, a SQLite or
PostgreSQL database per catalog size).
"""

from ecommerce_book.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# `manage.py load_cranstore --extra N` builds the benchmark catalogs.
INSTALLED_APPS = [*INSTALLED_APPS, "ecommerce_book.demo"]  # noqa: F405
