"""Fixtures of the API tests: the small CranStore, staff with and without permissions,
two customers with an order each."""

import base64
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.users import UserFactory


def basic(username, password):
    """An HTTP Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def api():
    """A DRF test client (CSRF enforced for session logins, like a browser)."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def editor(db):
    """Staff with the product permissions (add, change, delete) and order view permission."""
    user = UserFactory(username="editor", is_staff=True)
    codenames = ["add_product", "change_product", "delete_product", "view_product", "view_order"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def clerk(db):
    """Staff without any model permission."""
    return UserFactory(username="clerk", is_staff=True)


@pytest.fixture
def customers(store):  # noqa: F811 - the shared fixture
    """Two customers, Ada and Bob, with one paid order each (Ada's for preserves)."""
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    ada_order = OrderFactory(user=ada, status_id="PAID", subtotal=Decimal("9.00"), total=Decimal("14.00"))
    LineFactory(order=ada_order, product=store.preserves, quantity=2, line_total=Decimal("9.00"))
    bob_order = OrderFactory(user=bob)
    LineFactory(order=bob_order, product=store.juice)
    return ada, bob, ada_order, bob_order
