"""Two shoppers racing for the last units: exactly as many win as there is stock.

Runs on PostgreSQL only: SQLite takes a database-wide write lock, so concurrent threads
cannot race there and the test would prove nothing. CI runs the suite on PostgreSQL too
(DATABASE_URL=postgres://…).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from coleman.cart.cart import Cart
from coleman.orders.exceptions import InsufficientStock
from coleman.orders.models import Order
from coleman.orders.placing import make_order_from_cart
from coleman.products.models import Product
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.helpers import make_request

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers with one lock, so threads cannot race",
    ),
]


def test_racing_buyers_never_oversell():
    """20 threads each buy 5 of a product with 50 in stock: 10 orders, 10 refusals, stock 0."""
    product = ProductFactory(stock=50, price=Decimal("2.00"))
    other = ProductFactory(stock=None)
    buyers = 20
    barrier = threading.Barrier(buyers)
    results = []
    lock = threading.Lock()

    def buy():
        try:
            request = make_request()
            cart = Cart(request)
            cart.add(other, 1)
            cart.add(product, 5)
            list(cart)
            barrier.wait(timeout=30)
            try:
                make_order_from_cart(cart, email="racer@example.com", shipping_address=ADDRESS)
                outcome = "won"
            except InsufficientStock:
                outcome = "refused"
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["refused"] * 10 + ["won"] * 10
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.count() == 10
    assert sum(line.quantity for order in Order.objects.all() for line in order.lines.filter(product=product)) == 50


def test_two_simultaneous_place_orders_with_one_token_make_one_order():
    """A double-click racing itself: two threads place the same checkout at once, one order results."""
    from coleman.orders.exceptions import DuplicateCheckout

    product = ProductFactory(stock=10)
    barrier = threading.Barrier(2)
    results, lock = [], threading.Lock()

    def place():
        try:
            cart = Cart(make_request())
            cart.add(product, 2)
            list(cart)
            barrier.wait(timeout=30)
            try:
                order = make_order_from_cart(
                    cart, email="racer@example.com", shipping_address=ADDRESS, checkout_token="same-token"
                )
                outcome = ("placed", order.number)
            except DuplicateCheckout as exc:
                outcome = ("duplicate", exc.order.number)
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=place) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Order.objects.count() == 1
    number = Order.objects.get().number
    assert sorted(results) == [("duplicate", number), ("placed", number)]
    assert Product.objects.get(pk=product.pk).stock == 8


def test_carts_with_the_same_products_in_opposite_order_do_not_deadlock():
    """Stock rows are locked in id order, so A-then-B and B-then-A buyers never deadlock."""
    first, second = ProductFactory(stock=100), ProductFactory(stock=100)
    buyers = 12
    barrier = threading.Barrier(buyers)
    errors, lock = [], threading.Lock()

    def buy(reverse_order):
        try:
            cart = Cart(make_request())
            for product in [second, first] if reverse_order else [first, second]:
                cart.add(product, 1)
            list(cart)
            barrier.wait(timeout=30)
            make_order_from_cart(cart, email="racer@example.com", shipping_address=ADDRESS)
        except Exception as exc:  # noqa: BLE001 - any error (a deadlock) fails the test below
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(i % 2 == 0,)) for i in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Order.objects.count() == buyers
    assert Product.objects.get(pk=first.pk).stock == Product.objects.get(pk=second.pk).stock == 100 - buyers
