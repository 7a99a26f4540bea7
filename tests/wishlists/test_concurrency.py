"""Racing requests on PostgreSQL: alerts are sent once, lists and items are never doubled."""

import threading

import pytest
from django.core import mail
from django.db import connection

from coleman.wishlists import services
from coleman.wishlists.models import StockAlert, Wishlist, WishlistItem
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def race(job, count=THREADS):
    """Run ``job()`` in ``count`` threads released together; their results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(job())
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_racing_senders_email_each_waiting_shopper_once():
    """Eight senders at once for one restocked product (stock changed by several staff, or
    several workers) email each of 20 waiting shoppers exactly once between them."""
    product = ProductFactory(stock=3)
    for n in range(20):
        services.request_alert(product, email=f"shopper{n}@example.com")

    results, errors = race(lambda: services.send_waiting_alerts(product.pk))
    assert errors == []
    assert sum(results) == 20
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"shopper{n}@example.com" for n in range(20))


def test_racing_first_saves_make_one_list_and_one_item():
    """Eight first saves of one product at once leave one "My wishlist" holding it once."""
    customer = UserFactory()
    product = ProductFactory()

    def save():
        return services.add_product(services.default_list(customer), product)[1]

    results, errors = race(save)
    assert errors == []
    assert results.count(True) == 1
    assert Wishlist.objects.filter(owner=customer).count() == 1
    assert WishlistItem.objects.count() == 1


def test_racing_alert_requests_leave_one_waiting_alert():
    """Eight identical "email me" requests at once leave one waiting alert."""
    customer = UserFactory()
    product = ProductFactory(stock=0)
    results, errors = race(lambda: services.request_alert(product, user=customer)[1])
    assert errors == []
    assert results.count(True) == 1
    assert StockAlert.objects.waiting().count() == 1
