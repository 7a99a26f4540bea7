"""Fixtures for the cart tests."""

import pytest

from coleman.cart.cart import Cart
from tests.helpers import make_request


@pytest.fixture
def cart_request():
    """A fresh request with an empty session."""
    return make_request()


@pytest.fixture
def cart(cart_request):
    """An empty cart over a fresh session."""
    return Cart(cart_request)
