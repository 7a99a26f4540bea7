"""Fixtures for the payments tests: orders to pay and a poster of Google notifications.

The store's calls to the gateway sandbox (and the sandbox's calls back) need no fixture: the
test settings point the gateways at ``http://testserver/sandbox/…`` and mount the transport
adapter of ``tests/payments/transport.py`` for that address.
"""

from decimal import Decimal

import pytest

from coleman.payments.processors import get_processor
from coleman.payments.services import record_checkout
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.payments.documents import GOOD_AUTH, NOTIFY_URL
from tests.payments.schemas import assert_valid_google_document


@pytest.fixture
def google():
    """The installed Google Checkout processor."""
    return get_processor("google")


@pytest.fixture
def order(db):
    """A NEW order of two lines: 2 x 10.00 + 1 x 5.50, shipping 5.00, total 30.50."""
    order = OrderFactory(subtotal=Decimal("25.50"), shipping=Decimal("5.00"), total=Decimal("30.50"))
    LineFactory(
        order=order,
        product=ProductFactory(price=Decimal("10.00"), weight=Decimal("2.5")),
        quantity=2,
        weight=Decimal("2.5"),
        unit_price=Decimal("10.00"),
        line_total=Decimal("20.00"),
    )
    LineFactory(
        order=order,
        product=ProductFactory(price=Decimal("5.50")),
        quantity=1,
        unit_price=Decimal("5.50"),
        line_total=Decimal("5.50"),
    )
    return order


@pytest.fixture
def handed_off(order):
    """The order after the store handed it to Google (its checkout transaction exists)."""
    record_checkout(order, "google")
    return order


@pytest.fixture
def notify(client):
    """POST a notification body to the store with (by default) the right credentials.

    Every acknowledgment the store answers is validated against the Checkout API schema.
    """

    def post(body, auth=GOOD_AUTH):
        headers = {"HTTP_AUTHORIZATION": auth} if auth is not None else {}
        response = client.post(NOTIFY_URL, data=body, content_type="application/xml", **headers)
        if response.status_code == 200:
            assert_valid_google_document(response.content, "notification-acknowledgment")
        return response

    return post


@pytest.fixture
def another_handed_off(db):
    """A second NEW order of the same total (30.50), also handed to Google."""
    other = OrderFactory(subtotal=Decimal("25.50"), shipping=Decimal("5.00"), total=Decimal("30.50"))
    LineFactory(
        order=other,
        product=ProductFactory(price=Decimal("25.50")),
        quantity=1,
        unit_price=Decimal("25.50"),
        line_total=Decimal("25.50"),
    )
    record_checkout(other, "google")
    return other
