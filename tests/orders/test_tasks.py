"""The customer's status emails are rendered and sent by a task, out of the request.

With the database task backend (production) the request stores the task (the ids of the order
and of its change) and renders nothing; ``db_worker`` renders and sends the same email the
immediate backend (the tests) sends at once.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from coleman.orders import services
from coleman.orders.tasks import send_status_email, status_email
from tests.factories.orders import LineFactory, OrderFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_paid_email_is_queued_with_ids_and_rendered_by_the_worker():
    """A change to PAID queues one task naming the order and its change; the worker sends the
    email that :func:`status_email` renders for them (subject, text and HTML)."""
    order = OrderFactory(email="ann@example.com")
    LineFactory(order=order, name="Cranberry sauce", quantity=2, unit_price=Decimal("4.00"), line_total=Decimal("8.00"))
    with override_settings(TASKS=DATABASE_TASKS):
        services.transition(order, "PAID")
        assert mail.outbox == []
        (queued,) = DBTaskResult.objects.all()
        change = order.history.latest("id")
        assert queued.task_path == "coleman.orders.tasks.send_status_email"
        assert queued.args_kwargs["kwargs"] == {
            "order_id": order.pk,
            "change_id": change.pk,
            "language": translation.get_language(),
        }
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    (sent,) = mail.outbox
    expected = status_email(order, change)
    assert (sent.to, sent.subject, sent.body) == (["ann@example.com"], expected.subject, expected.body)
    assert sent.alternatives == expected.alternatives
    assert "Cranberry sauce" in sent.body
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


@pytest.mark.django_db
def test_the_task_of_an_order_deleted_meanwhile_sends_nothing():
    """An order deleted before the worker runs its email task: nothing is sent, nothing fails."""
    order = OrderFactory()
    change = order.history.create(to_status_id="PAID", actor="test")
    order_id, change_id = order.pk, change.pk
    order.delete()
    result = send_status_email.enqueue(order_id=order_id, change_id=change_id)
    assert (result.status, result.return_value) == ("SUCCESSFUL", 0)
    assert mail.outbox == []
