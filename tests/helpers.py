"""Helpers shared by tests of several apps (fixtures stay in each folder's conftest).

* :func:`make_request`: a request with a real session and message storage (cart, orders).
* :func:`site_without`: the site as if some apps were deleted from ``INSTALLED_APPS``.
* :func:`log_in_browser` and :func:`fail_on_dialogs`: for real-browser journeys.
"""

import importlib
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory, override_settings
from django.urls import clear_url_caches


def make_request(session=None):
    """A GET request with a real database session and message storage."""
    request = RequestFactory().get("/")
    request.session = session if session is not None else SessionStore()
    request._messages = FallbackStorage(request)
    return request


def reload_urlconf():
    """Rebuild the root URLconf so that it mounts exactly the installed apps."""
    clear_url_caches()
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
    clear_url_caches()


@contextmanager
def site_without(removed):
    """The site as if the ``removed`` apps had been deleted from INSTALLED_APPS."""
    remaining = [app for app in settings.INSTALLED_APPS if app not in removed]
    try:
        with override_settings(INSTALLED_APPS=remaining):
            reload_urlconf()
            yield list(removed)
    finally:
        reload_urlconf()


def log_in_browser(context, live_server, user):
    """Give a browser context a logged-in session cookie for ``user`` (made by ``force_login``)."""
    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": live_server.url}])


def fail_on_dialogs(page):
    """Any alert()/confirm() fails the test: the store's scripts must never use them."""

    def on_dialog(dialog):
        dialog.dismiss()
        pytest.fail(f"unexpected dialog: {dialog.message}")

    page.on("dialog", on_dialog)
