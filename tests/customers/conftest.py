"""Fixtures of the customers tests."""

import pytest

from tests.factories.users import PASSWORD, UserFactory


@pytest.fixture
def password():
    """The password every factory-made user has."""
    return PASSWORD


@pytest.fixture
def shopper(db):
    """An active customer account."""
    return UserFactory(username="cora", email="cora@example.com")


@pytest.fixture
def shopper_client(client, shopper):
    """A test client logged in as ``shopper``."""
    client.force_login(shopper)
    return client
