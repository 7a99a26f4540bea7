"""Fixtures of the report tests: the small CranStore and orders in January–March 2026."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.users import UserFactory

PERIOD = "period=custom&start=2026-01-01&end=2026-03-31"


def at(year, month, day):
    """An aware moment at noon."""
    return timezone.make_aware(datetime(year, month, day, 12))


def order(status, placed_at, *lines):
    """An order in ``status`` with ``(product, quantity)`` lines at the product's price."""
    subtotal = sum((product.price * quantity for product, quantity in lines), Decimal("0"))
    placed = OrderFactory(
        status_id=status, placed_at=placed_at, subtotal=subtotal, shipping=Decimal("5.00"), total=subtotal + 5
    )
    for product, quantity in lines:
        LineFactory(order=placed, product=product, quantity=quantity, line_total=product.price * quantity)
    return placed


@pytest.fixture
def sales(store):  # noqa: F811 - the shared fixture
    """January: a paid order (2 preserves, 1 candle = $23.00). February: a shipped order
    (3 juices = $11.97) and an unpaid one (a T-shirt). March: a cancelled order. December
    2025: a paid order outside the period."""
    return {
        "january": order("PAID", at(2026, 1, 15), (store.preserves, 2), (store.candle, 1)),
        "february": order("SHIPPED", at(2026, 2, 3), (store.juice, 3)),
        "unpaid": order("NEW", at(2026, 2, 20), (store.shirt, 1)),
        "cancelled": order("CANCELLED", at(2026, 3, 1), (store.shirt, 2)),
        "before": order("CLOSED", at(2025, 12, 31), (store.preserves, 10)),
    }


@pytest.fixture
def staff(db, client):
    """A client logged in as an active staff member (no superuser rights)."""
    user = UserFactory(username="reporter", is_staff=True)
    client.force_login(user)
    return client
