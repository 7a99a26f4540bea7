"""Tasks of the orders app: the customer's status emails, rendered and sent out of the request.

:func:`coleman.orders.services.transition` and
:func:`coleman.orders.placing.make_order_from_cart` queue :func:`send_status_email` (through
:func:`queue_status_email`) once their transaction commits, with the ids of the order and of
its status change and the request's language. The task reads them back, renders the email
(subject, plain text, HTML: the templates of :func:`status_email`) and sends it. With the
database or RQ backend (production) the request only stores the task; with the immediate
backend (development, tests) it runs before ``enqueue`` returns.
"""

import logging

from django.utils import translation
from django_tasks import task

from coleman.conf import coleman_settings
from coleman.core.mail import templated_message

from .models import OrderStatusChange, Status
from .statuses import CUSTOMER_EMAIL_STATUSES

logger = logging.getLogger("coleman.orders")


def status_email(order, change, *, lines=None):
    """The email (not sent) telling ``order``'s customer about ``change``; ``lines``: the order's
    lines when the caller holds them, else they are read."""
    status = change.to_status_id
    context = {
        "order": order,
        "change": change,
        "lines": list(order.lines.all()) if lines is None else lines,
        "store_name": coleman_settings.STORE_NAME,
        "status": status,
        "status_label": Status.label_for(status),
    }
    return templated_message(
        to=order.email,
        subject_template=[f"orders/email/status_{status}_subject.txt", "orders/email/status_subject.txt"],
        body_template=[f"orders/email/status_{status}_body.txt", "orders/email/status_body.txt"],
        context=context,
    )


@task()
def send_status_email(*, order_id, change_id, language=""):
    """Render and send the email about the status change ``change_id`` of order ``order_id``, in
    ``language`` (the request's; the default language when empty). Returns the number of
    recipients: 0 when the order is gone (deleted before the task ran). A rendering or mail
    server failure raises, so the backend records the task as failed, with its traceback."""
    change = OrderStatusChange.objects.select_related("order").filter(pk=change_id, order_id=order_id).first()
    if change is None:
        return 0
    with translation.override(language or None):
        message = status_email(change.order, change)
    message.send()
    return len(message.to)


__all__ = ["send_status_email", "status_email"]


def queue_status_email(order, change):
    """Queue the customer's email about ``change`` (:func:`send_status_email`, rendered and sent
    by the task, in this request's language) when the customer hears about that status; a
    failure to queue it is logged, never raised (the order stands)."""
    if change.to_status_id not in CUSTOMER_EMAIL_STATUSES:
        return
    try:
        send_status_email.enqueue(order_id=order.pk, change_id=change.pk, language=translation.get_language() or "")
    except Exception:  # an email failure must not undo a committed order
        logger.exception("Could not send the %s email for order %s", change.to_status_id, order.number)
