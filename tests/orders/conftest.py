"""Fixtures for the orders tests."""

import pytest

from tests.cart.conftest import make_request  # noqa: F401 - shared helper
from tests.orders.factories import ADDRESS


@pytest.fixture
def address():
    """A complete typed-in shipping address."""
    return dict(ADDRESS)
