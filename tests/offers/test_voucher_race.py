"""Ten checkouts racing for a voucher's last use: exactly one order gets it.

PostgreSQL only: SQLite serialises every writer with one lock, so threads cannot race there.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from coleman.cart.cart import Cart
from coleman.offers.models import Voucher, VoucherUse
from coleman.orders.exceptions import VoucherRejected
from coleman.orders.models import Order
from coleman.orders.placing import make_order_from_cart
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


def test_ten_checkouts_one_use_left_one_order_gets_the_voucher():
    """A voucher with one use left (9 of 10 used) and ten simultaneous checkouts using it: one
    order is placed with the discount, nine are refused with a message, uses end at exactly 10."""
    product = ProductFactory(price=Decimal("20.00"), stock=None)
    voucher = Voucher.objects.create(code="LASTONE", value=Decimal("10"), max_uses=10)
    Voucher.objects.filter(pk=voucher.pk).update(uses=9)
    buyers = 10
    barrier = threading.Barrier(buyers)
    results, lock = [], threading.Lock()

    def buy(n):
        try:
            cart = Cart(make_request())
            cart.add(product, 1)
            cart.set_voucher_code("LASTONE")
            list(cart)
            barrier.wait(timeout=30)
            try:
                make_order_from_cart(cart, email=f"racer{n}@example.com", shipping_address=dict(ADDRESS))
                outcome = "won"
            except VoucherRejected:
                outcome = "refused"
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["refused"] * 9 + ["won"]
    assert Voucher.objects.get(pk=voucher.pk).uses == 10
    order = Order.objects.get()
    assert (order.discount, order.voucher_code) == (Decimal("2.00"), "LASTONE")
    assert VoucherUse.objects.count() == 1
