"""manage.py cleanup_abandoned_orders: deletes old NEW orders, releases stock, says what it did."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coleman.orders.models import Order
from coleman.products.models import Product
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("cleanup_abandoned_orders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def orders():
    """An old NEW order holding 3 units of stock, a recent NEW order, and an old PAID order."""
    now = timezone.now()
    product = ProductFactory(stock=10)
    old = OrderFactory(placed_at=now - timedelta(days=15), email="old@example.com")
    LineFactory(order=old, product=product, quantity=3, stock_reserved=True)
    recent = OrderFactory(placed_at=now - timedelta(days=13))
    paid = OrderFactory(placed_at=now - timedelta(days=30), status_id="PAID")
    return {"old": old, "recent": recent, "paid": paid, "product": product}


def test_deletes_only_old_new_orders_and_releases_their_stock(orders):
    """Only NEW orders past the age are deleted; their reserved units go back to stock."""
    output = run()
    assert set(Order.objects.values_list("pk", flat=True)) == {orders["recent"].pk, orders["paid"].pk}
    assert Product.objects.get(pk=orders["product"].pk).stock == 13
    assert f"Deleted order {orders['old'].number}" in output
    assert "old@example.com (3 units of stock released)" in output
    assert "Deleted 1 abandoned order older than 14 days; 3 units of stock released." in output


def test_dry_run_changes_nothing(orders):
    """--dry-run lists what would go and leaves orders and stock alone."""
    output = run("--dry-run")
    assert Order.objects.count() == 3
    assert Product.objects.get(pk=orders["product"].pk).stock == 10
    assert f"Would delete order {orders['old'].number}" in output
    assert "Would delete 1 abandoned order" in output


def test_days_option(orders):
    """--days 10 also takes the 13-day-old NEW order."""
    run("--days", "10")
    assert list(Order.objects.values_list("pk", flat=True)) == [orders["paid"].pk]


def test_bad_days_is_an_error():
    """A non-positive --days is refused."""
    with pytest.raises(CommandError):
        run("--days", "0")


def test_nothing_to_do():
    """With no abandoned orders the command says so."""
    assert "Deleted 0 abandoned orders" in run()
