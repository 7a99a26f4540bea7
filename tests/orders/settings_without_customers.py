"""Test settings of a store without the customers app (orders must not need it)."""

from ecommerce_book.settings.test import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "coleman.customers"]  # noqa: F405
LOGIN_URL = "/admin/login/"
