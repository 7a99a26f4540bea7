"""Idempotency under concurrency (PostgreSQL) and query counts that do not grow with the order."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coleman.orders.models import Order
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.services import record_checkout
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.payments.documents import GOOD_AUTH, NOTIFY_URL, amount_xml, new_order_xml


def make_order(lines):
    """A handed-off order with ``lines`` lines of 1.00 each and 5.00 shipping."""
    order = OrderFactory(subtotal=Decimal(lines), shipping=Decimal("5.00"), total=Decimal(lines) + Decimal("5.00"))
    for _ in range(lines):
        LineFactory(
            order=order,
            product=ProductFactory(price=Decimal("1.00")),
            unit_price=Decimal("1.00"),
            line_total=Decimal("1.00"),
        )
    record_checkout(order, "google")
    return order


@pytest.mark.django_db(transaction=True)
def test_racing_copies_of_one_notification_apply_once():
    """Eight copies of one charge notification posted at once: one applies, the others are duplicates."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers with one lock, so threads cannot race")
    order = make_order(2)
    Client().post(
        NOTIFY_URL,
        new_order_xml(order.number, total="7.00"),
        content_type="application/xml",
        HTTP_AUTHORIZATION=GOOD_AUTH,
    )
    body = amount_xml("charge", serial="race-1", latest="7.00", total="7.00")
    barrier = threading.Barrier(8)
    statuses = []

    def post():
        barrier.wait()
        try:
            statuses.append(
                Client()
                .post(NOTIFY_URL, body, content_type="application/xml", HTTP_AUTHORIZATION=GOOD_AUTH)
                .status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert PaymentEvent.objects.filter(idempotency_key="race-1").count() == 1
    assert PaymentEvent.objects.filter(kind="charge-amount-notification", outcome=EventOutcome.DUPLICATE).count() == 7
    assert PaymentTransaction.objects.filter(order=order, kind="charge").count() == 1
    assert Order.objects.get(pk=order.pk).status_id == "PAID"
    assert order.history.filter(to_status="PAID").count() == 1


@pytest.mark.django_db
def test_notification_queries_do_not_grow_with_order_size(client):
    """Handling new-order and charge notifications costs the same queries for 1 line or 25 lines."""
    counts = []
    for lines in (1, 25):
        order = make_order(lines)
        total = f"{Decimal(lines) + Decimal('5.00'):.2f}"
        google_number = f"9{lines:014d}"
        with CaptureQueriesContext(connection) as ctx:
            first = client.post(
                NOTIFY_URL,
                new_order_xml(order.number, serial=f"n{lines}", total=total, google_number=google_number),
                content_type="application/xml",
                HTTP_AUTHORIZATION=GOOD_AUTH,
            )
            second = client.post(
                NOTIFY_URL,
                amount_xml("charge", serial=f"c{lines}", latest=total, total=total, google_number=google_number),
                content_type="application/xml",
                HTTP_AUTHORIZATION=GOOD_AUTH,
            )
        assert (first.status_code, second.status_code) == (200, 200)
        assert Order.objects.get(pk=order.pk).status_id == "PAID"
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    print("notification queries (new-order + charge-amount):", counts)


@pytest.mark.django_db
def test_choose_page_queries_do_not_grow_with_cart_size():
    """The /checkout/ page's query count is the same for 1 and 12 cart lines."""
    counts = []
    for lines in (1, 12):
        shopper = Client()
        for _ in range(lines):
            shopper.post(f"/cart/add/{ProductFactory(price=Decimal('2.00')).pk}/", {"quantity": 1})
        with CaptureQueriesContext(connection) as ctx:
            assert shopper.get("/checkout/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    print("/checkout/ page queries:", counts)


@pytest.mark.django_db(transaction=True)
def test_racing_new_orders_claiming_one_google_number_never_500():
    """Six new-order notifications with one Google order number, each naming a different order of
    ours, posted at once (issue 11): all are acknowledged (200); exactly one order keeps the number
    and checks out, the five others are flagged EXCEPTION with a note naming the owner."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers with one lock, so threads cannot race")
    orders = [make_order(2) for _ in range(6)]
    barrier = threading.Barrier(len(orders))
    statuses = []

    def post(order, index):
        barrier.wait()
        try:
            body = new_order_xml(order.number, serial=f"claim-{index}", total="7.00", google_number="555")
            response = Client().post(NOTIFY_URL, body, content_type="application/xml", HTTP_AUTHORIZATION=GOOD_AUTH)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(order, index)) for index, order in enumerate(orders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(orders)
    owner = PaymentTransaction.objects.get(processor="google", kind="checkout", remote_id="555").order
    final = dict(Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("number", "status_id"))
    assert final.pop(owner.number) == "NEW_CHKOUT"
    assert set(final.values()) == {"EXCEPTION"}
    print("racing claims of one Google number:", sorted(statuses), "owner 1, flagged", len(final))
