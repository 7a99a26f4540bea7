"""Test settings of a store with search removed (both ``haystack`` and ``coleman.search``)."""

from ecommerce_book.settings.test import *  # noqa: F403

OPTIONAL_APPS = [app for app in OPTIONAL_APPS if app not in ("haystack", "coleman.search")]  # noqa: F405
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("haystack", "coleman.search")]  # noqa: F405
