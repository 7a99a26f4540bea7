"""Fixtures of the ratings tests."""

import pytest

from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

from .helpers import TEST_LOGIN_URL


@pytest.fixture(autouse=True)
def _login_url(settings):
    """A login page address that resolves whether or not the customers app is installed."""
    settings.LOGIN_URL = TEST_LOGIN_URL


@pytest.fixture
def product(db):
    """An active product to rate."""
    return ProductFactory(name="Cranberry Relish")


@pytest.fixture
def customer(db):
    """A logged-out customer account."""
    return UserFactory(username="jesse", first_name="Jesse", last_name="Legg")


@pytest.fixture
def customer_client(client, customer):
    """A test client logged in as ``customer``."""
    client.force_login(customer)
    return client
