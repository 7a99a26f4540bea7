"""The status pipeline: allowed transitions in one place, history, emails, signals, stock release."""

import pytest
from django.core import mail

from coleman.orders import services
from coleman.orders.exceptions import IllegalTransition
from coleman.orders.models import OrderStatusChange, Status
from coleman.orders.signals import order_status_changed
from coleman.orders.statuses import TRANSITIONS
from coleman.products.models import Product
from coleman.products.signals import stock_released
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def test_every_status_in_the_table_exists_and_terminal_ones_are_final():
    """The transition table names only seeded statuses; CLOSED and CANCELLED lead nowhere."""
    from coleman.orders.models import StatusCode

    seeded = set(StatusCode.objects.values_list("short_name", flat=True))
    assert set(TRANSITIONS) == seeded == set(Status.values)
    for targets in TRANSITIONS.values():
        assert set(targets) <= seeded
    assert TRANSITIONS["CLOSED"] == () and TRANSITIONS["CANCELLED"] == ()


def test_status_codes_are_seeded_with_the_books_names():
    """The data migration seeds the book's "Awaiting Payment / Payment Received / Shipped / Closed"."""
    from coleman.orders.models import StatusCode

    names = dict(StatusCode.objects.values_list("short_name", "name"))
    assert names["NEW"] == "Awaiting Payment"
    assert names["PAID"] == "Payment Received"
    assert names["SHIPPED"] == "Shipped"
    assert names["CLOSED"] == "Closed"
    assert {"NEW_CHKOUT", "EXCEPTION"} <= set(names)


def test_the_happy_path_is_recorded_with_who_when_and_why(django_capture_on_commit_callbacks):
    """NEW → PAID → SHIPPED → CLOSED: each step is in the history with its actor and note."""
    staff = UserFactory(username="staffer", is_staff=True)
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(order, "PAID", by="payments: sandbox", note="Charged")
        services.transition(order, Status.SHIPPED, by=staff, tracking_number=" 1Z999 ")
        services.transition(order, "CLOSED", by=staff)
    order.refresh_from_db()
    assert order.status_id == "CLOSED" and order.tracking_number == "1Z999"
    steps = [
        (c.from_status_id, c.to_status_id, c.actor, c.changed_by, c.note) for c in order.history.all().order_by("id")
    ]
    assert steps == [
        (None, "NEW", "test", None, "Order placed."),
        ("NEW", "PAID", "payments: sandbox", None, "Charged"),
        ("PAID", "SHIPPED", "staffer", staff, ""),
        ("SHIPPED", "CLOSED", "staffer", staff, ""),
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("NEW", "SHIPPED"),
        ("NEW", "CLOSED"),
        ("PAID", "NEW"),
        ("SHIPPED", "PAID"),
        ("CLOSED", "PAID"),
        ("CANCELLED", "PAID"),
        ("PAID", "PAID"),
        ("NEW", "NO_SUCH"),
    ],
)
def test_illegal_transitions_raise_and_change_nothing(start, target):
    """A move not in the table raises IllegalTransition; status, history and mailbox are untouched."""
    order = OrderFactory(status_id=start)
    with pytest.raises(IllegalTransition):
        services.transition(order, target)
    order.refresh_from_db()
    assert order.status_id == start
    assert OrderStatusChange.objects.filter(order=order).count() == 1
    assert mail.outbox == []


def test_allowed_transitions_follow_the_table():
    """allowed_transitions lists the next statuses of the order's current status."""
    assert services.allowed_transitions(OrderFactory(status_id="PAID")) == [
        "SHIPPED",
        "CLOSED",
        "EXCEPTION",
        "CANCELLED",
    ]
    assert services.allowed_transitions(OrderFactory(status_id="CLOSED")) == []


def test_transition_works_on_a_stale_order_instance():
    """The check uses the database's current status, not a stale copy in memory."""
    order = OrderFactory()
    stale = type(order).objects.get(pk=order.pk)
    services.transition(order, "PAID")
    with pytest.raises(IllegalTransition):
        services.transition(stale, "NEW_CHKOUT")


@pytest.mark.parametrize(
    ("path", "subject_part", "body_part"),
    [
        (["PAID"], "payment received", "We received your payment"),
        (["PAID", "SHIPPED"], "has shipped", "Tracking number: TRACK-42"),
        (["PAID", "SHIPPED", "CLOSED"], "is complete", "complete and closed"),
        (["EXCEPTION"], "needs attention", "Note from the store: Card declined"),
    ],
)
def test_each_change_emails_the_customer(path, subject_part, body_part, django_capture_on_commit_callbacks):
    """Paid, shipped (with tracking), closed and other changes each send the customer an email."""
    order = OrderFactory(email="cust@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for status in path:
            services.transition(
                order,
                status,
                tracking_number="TRACK-42" if status == "SHIPPED" else None,
                note="Card declined" if status == "EXCEPTION" else "",
            )
    assert len(mail.outbox) == len(path)
    last = mail.outbox[-1]
    assert last.to == ["cust@example.com"]
    assert order.number in last.subject and subject_part in last.subject.lower()
    assert body_part in last.body


def test_status_changed_signal_is_sent_after_commit(django_capture_on_commit_callbacks):
    """order_status_changed carries the order, both statuses and the history row, after commit."""
    seen = []

    def receiver(sender, order, from_status, to_status, change, **kwargs):
        seen.append((order.number, from_status, to_status, change.pk))

    order_status_changed.connect(receiver, dispatch_uid="pipeline-test")
    try:
        order = OrderFactory()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.transition(order, "PAID")
        assert seen == []
        for callback in callbacks:
            callback()
    finally:
        order_status_changed.disconnect(dispatch_uid="pipeline-test")
    assert seen == [(order.number, "NEW", "PAID", order.history.latest("id").pk)]


def test_an_email_failure_does_not_undo_the_change(django_capture_on_commit_callbacks, settings):
    """If the mail server fails, the status change stands and the failure is logged."""
    settings.EMAIL_BACKEND = "tests.orders.test_pipeline.BrokenBackend"
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(order, "PAID")
    order.refresh_from_db()
    assert order.status_id == "PAID"


class BrokenBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_cancelling_releases_reserved_stock_once():
    """Cancelling puts reserved units back on the shelf; untracked and unreserved lines are left alone."""
    tracked = ProductFactory(stock=2)
    order = OrderFactory()
    LineFactory(order=order, product=tracked, quantity=3, stock_reserved=True)
    LineFactory(order=order, product=ProductFactory(stock=None), quantity=1, stock_reserved=True)
    LineFactory(order=order, product=ProductFactory(stock=7), quantity=4, stock_reserved=False)
    services.transition(order, "CANCELLED")
    assert Product.objects.get(pk=tracked.pk).stock == 5
    assert not order.lines.filter(stock_reserved=True).exists()
    assert services.release_stock(order) == 0
    assert Product.objects.get(pk=tracked.pk).stock == 5


def test_releasing_stock_announces_the_products_given_stock_back():
    """``stock_released`` names each product whose own tracked stock went up, once; not a
    variant's product, an untracked product or an unreserved line's."""
    tracked, untracked, unreserved = ProductFactory(stock=0), ProductFactory(stock=None), ProductFactory(stock=0)
    order = OrderFactory()
    LineFactory(order=order, product=tracked, quantity=2, stock_reserved=True)
    LineFactory(order=order, product=untracked, quantity=1, stock_reserved=True)
    LineFactory(order=order, product=unreserved, quantity=1, stock_reserved=False)
    announced = []

    def receiver(sender, product_ids, **kwargs):
        announced.append((sender, product_ids))

    stock_released.connect(receiver)
    try:
        services.transition(order, "CANCELLED")
        services.release_stock(order)
    finally:
        stock_released.disconnect(receiver)
    assert announced == [(Product, [tracked.pk])]


@pytest.mark.django_db(transaction=True)
def test_status_codes_survive_a_flush():
    """flush (used between transactional tests) re-creates the status codes through post_migrate."""
    from django.core.management import call_command

    from coleman.orders.models import StatusCode

    call_command("flush", "--noinput", verbosity=0)
    assert set(StatusCode.objects.values_list("short_name", flat=True)) == set(Status.values)


def test_the_hand_over_to_the_payment_service_sends_no_email(django_capture_on_commit_callbacks):
    """NEW → NEW_CHKOUT is recorded and signalled but not emailed (the customer is paying right then)."""
    order = OrderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(order, "NEW_CHKOUT", by="payments: sandbox")
    assert mail.outbox == []
    assert order.history.latest("id").to_status_id == "NEW_CHKOUT"
