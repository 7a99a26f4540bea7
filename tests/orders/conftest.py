"""Fixtures for the orders tests."""

import pytest

from tests.factories.orders import ADDRESS


@pytest.fixture
def address():
    """A complete typed-in shipping address."""
    return dict(ADDRESS)
