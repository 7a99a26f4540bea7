"""Staff admin: order list with filters and search, inlines, pipeline actions through transition()."""

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.urls import reverse

from coleman.orders.models import OrderFeedback
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:orders_order_changelist"


def act(client, action, orders, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [o.pk for o in orders], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def test_changelist_filters_and_search(staff_client):
    """Staff filter by status and search by number, email and name."""
    paid = OrderFactory(status_id="PAID", ship_name="Zed Paid", email="zed@example.com")
    new = OrderFactory(ship_name="Nora New")
    url = reverse(CHANGELIST)
    page = staff_client.get(url, {"status__short_name__exact": "PAID"}).content.decode()
    assert paid.number in page and new.number not in page
    for term in [paid.number, "zed@example.com", "Zed Paid"]:
        page = staff_client.get(url, {"q": term}).content.decode()
        assert paid.number in page and new.number not in page, term


def test_change_page_shows_lines_history_and_feedback(staff_client):
    """An order's admin page has its lines, status history and feedback inline."""
    order = OrderFactory()
    LineFactory(order=order, name="Cran Relish")
    OrderFeedback.objects.create(order=order, body="Where is my parcel?")
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "Cran Relish" in page and "Order placed." in page and "Where is my parcel?" in page


def test_staff_reply_is_recorded_and_emailed(staff_client, staff_user, django_capture_on_commit_callbacks):
    """A message added in the admin is a staff reply by that user, and the customer is emailed."""
    order = OrderFactory(email="cust@example.com")
    prefix = "feedback"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-body": "It ships tomorrow.",
        f"{prefix}-0-order": order.pk,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "0",
        "history-TOTAL_FORMS": "1",
        "history-INITIAL_FORMS": "1",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "0",
        "history-0-id": order.history.get().pk,
        "history-0-order": order.pk,
        "adjustments-TOTAL_FORMS": "0",
        "adjustments-INITIAL_FORMS": "0",
    }
    # The project's order admin also shows the payments app's read-only inlines (empty here).
    for payments_prefix in ("payment_transactions", "payment_events"):
        data |= {f"{payments_prefix}-TOTAL_FORMS": "0", f"{payments_prefix}-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:orders_order_change", args=[order.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    reply = OrderFeedback.objects.get()
    assert (reply.is_staff_reply, reply.author, reply.body) == (True, staff_user, "It ships tomorrow.")
    assert [m.to for m in mail.outbox] == [["cust@example.com"]]
    assert "It ships tomorrow." in mail.outbox[0].body


def test_mark_shipped_asks_for_tracking_numbers_then_ships(staff_client, django_capture_on_commit_callbacks):
    """ "Mark shipped" shows an intermediate form; applying it ships each order with its number."""
    a, b = OrderFactory(status_id="PAID"), OrderFactory(status_id="PAID")
    response = act(staff_client, "mark_shipped", [a, b])
    page = response.content.decode()
    assert f"Tracking number for {a.number}" in page and f"Tracking number for {b.number}" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            staff_client,
            "mark_shipped",
            [a, b],
            apply="1",
            note="",
            **{f"tracking_{a.pk}": "TA", f"tracking_{b.pk}": "TB"},
        )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status_id, a.tracking_number, b.status_id, b.tracking_number) == (
        "SHIPPED",
        "TA",
        "SHIPPED",
        "TB",
    )
    assert a.history.latest("id").actor == "boss"
    assert len(mail.outbox) == 2 and all("has shipped" in m.subject for m in mail.outbox)
    assert "2 order(s) now Shipped" in response.content.decode()


def test_mark_shipped_without_tracking_numbers_reasks(staff_client):
    """Leaving a tracking number empty shows the form again and ships nothing."""
    order = OrderFactory(status_id="PAID")
    response = act(staff_client, "mark_shipped", [order], apply="1")
    assert "This field is required" in response.content.decode()
    order.refresh_from_db()
    assert order.status_id == "PAID"


def test_actions_obey_the_transition_rules(staff_client):
    """Close on a NEW order is refused with a message; a SHIPPED one closes."""
    new, shipped = OrderFactory(), OrderFactory(status_id="SHIPPED")
    response = act(staff_client, "mark_closed", [new, shipped])
    page = response.content.decode()
    new.refresh_from_db()
    shipped.refresh_from_db()
    assert (new.status_id, shipped.status_id) == ("NEW", "CLOSED")
    assert f"Order {new.number} cannot move from Awaiting Payment to Closed." in page


def test_flag_exception_needs_a_note(staff_client):
    """Flag exception asks why; the note lands in the history."""
    order = OrderFactory(status_id="PAID")
    assert "Flag orders as needing attention" in act(staff_client, "flag_exception", [order]).content.decode()
    act(staff_client, "flag_exception", [order], apply="1", note="Address bounced")
    order.refresh_from_db()
    assert order.status_id == "EXCEPTION"
    assert order.history.latest("id").note == "Address bounced"


def test_cancel_releases_stock(staff_client):
    """Cancelling from the admin puts reserved stock back."""
    product = ProductFactory(stock=1)
    order = OrderFactory()
    LineFactory(order=order, product=product, quantity=2, stock_reserved=True)
    act(staff_client, "cancel_orders", [order])
    product.refresh_from_db()
    assert product.stock == 3


def test_status_is_read_only_and_orders_cannot_be_added(staff_client):
    """The form cannot change the status directly, and orders are not created in the admin."""
    order = OrderFactory()
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert 'name="status"' not in page
    assert staff_client.get(reverse("admin:orders_order_add")).status_code == 403


def test_non_staff_cannot_use_the_admin(client):
    """A customer account is sent to the admin login."""
    client.force_login(UserFactory())
    assert client.get(reverse(CHANGELIST)).status_code == 302


def test_change_page_queries_do_not_grow_with_lines(staff_client):
    """The admin page of an order with 20 lines, history rows and messages costs what one with 1 does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 20):
        order = OrderFactory()
        LineFactory.create_batch(size, order=order)
        for _ in range(size - 1):
            order.history.create(from_status_id="NEW", to_status_id="NEW", actor="test")
        for _ in range(size):
            OrderFeedback.objects.create(order=order, body="Hello")
        url = reverse("admin:orders_order_change", args=[order.pk])
        staff_client.get(url)  # warm caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
