"""Fixtures for the cart tests."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from coleman.cart.cart import Cart


def make_request(session=None):
    """A GET request with a real database session and message storage."""
    request = RequestFactory().get("/")
    request.session = session if session is not None else SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def cart_request():
    """A fresh request with an empty session."""
    return make_request()


@pytest.fixture
def cart(cart_request):
    """An empty cart over a fresh session."""
    return Cart(cart_request)
