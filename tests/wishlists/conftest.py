"""Fixtures of the wishlists tests."""

import pytest
from django.test import Client

from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory


@pytest.fixture
def product(db):
    """An active product with untracked stock."""
    return ProductFactory(name="Cranberry Relish", slug="cranberry-relish")


@pytest.fixture
def sold_out(db):
    """An active product whose tracked stock has run out."""
    return ProductFactory(name="Bog Honey", slug="bog-honey", stock=0)


@pytest.fixture
def customer(db):
    """A customer account."""
    return UserFactory(username="jesse", first_name="Jesse", email="jesse@example.com")


@pytest.fixture
def other_customer(db):
    """Another customer, whose lists the first must never reach."""
    return UserFactory(username="cora", first_name="Cora", email="cora@example.com")


@pytest.fixture
def customer_client(client, customer):
    """A test client logged in as ``customer``."""
    client.force_login(customer)
    return client


@pytest.fixture
def csrf_client(customer):
    """A client that enforces CSRF checks, logged in as ``customer``."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    return client
