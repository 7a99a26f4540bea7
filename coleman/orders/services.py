"""Business operations on orders: moving an order along the pipeline, customer feedback, and
cleaning up abandoned orders (placing one is :mod:`coleman.orders.placing`).

Views, admin actions, management commands and the payments app all go through these
functions; nothing else writes an order's status.
"""

import logging

from django.core.mail import mail_managers
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from coleman.core.mail import render_email, send_templated_mail
from coleman.products.cache import catalog_changed_by_update
from coleman.products.models import Product, ProductVariant
from coleman.products.signals import stock_released

from .exceptions import (
    IllegalTransition,
)
from .models import (
    Order,
    OrderFeedback,
    OrderStatusChange,
    Status,
    StatusCode,
)
from .placing import clear_placed_cart
from .signals import order_status_changed
from .statuses import RELEASES_STOCK, TRANSITIONS
from .tasks import queue_status_email

logger = logging.getLogger("coleman.orders")


# --- the pipeline -------------------------------------------------------------------------


def allowed_transitions(order) -> list[str]:
    """Short names of the statuses ``order`` may move to next, in pipeline order."""
    return list(TRANSITIONS.get(order.status_id, ()))


def _status_short_name(to_status):
    if isinstance(to_status, StatusCode):
        return to_status.short_name
    return str(to_status)


def _actor(by):
    if by is None:
        return None, "system"
    if isinstance(by, str):
        return None, by[:150]
    return by, by.get_username()


def release_stock(order) -> int:
    """Put the stock reserved by ``order``'s lines back; returns the units released.

    Each line is released at most once (its ``stock_reserved`` flag is cleared). Products whose
    own tracked stock went up are announced with ``products.signals.stock_released`` (the bulk
    UPDATE sends no ``post_save``), so shoppers waiting for them hear of it.
    """
    released = 0
    restocked_products = []
    # Rows are updated in id order, like make_order_from_cart, to avoid deadlocks.
    reserved = order.lines.filter(stock_reserved=True)
    for line in reserved.filter(variant__isnull=False).order_by("variant_id"):
        ProductVariant.objects.filter(pk=line.variant_id, stock__isnull=False).update(stock=F("stock") + line.quantity)
        released += line.quantity
    for line in reserved.filter(variant__isnull=True, product__isnull=False).order_by("product_id"):
        if Product.objects.filter(pk=line.product_id, stock__isnull=False).update(stock=F("stock") + line.quantity):
            restocked_products.append(line.product_id)
        released += line.quantity
    if released:
        catalog_changed_by_update()
    if restocked_products:
        stock_released.send(sender=Product, product_ids=restocked_products)
    order.lines.filter(stock_reserved=True).update(stock_reserved=False)
    return released


def transition(order, to_status, *, by=None, note="", tracking_number=None, locked=False) -> Order:
    """Move ``order`` to ``to_status`` (a short name such as "PAID" or a ``StatusCode``).

    The only place an order's status changes. Raises :class:`IllegalTransition` unless the
    move is in :data:`TRANSITIONS`. Records the change in the history (``by`` is the user or a
    label such as "payments: google" for who made it), stores ``tracking_number`` when given,
    releases reserved stock on cancellation, and after commit emails the customer (every
    status in :data:`CUSTOMER_EMAIL_STATUSES`) and sends ``order_status_changed``. Returns
    ``order``, updated.

    The order row is read again under ``select_for_update`` in the transaction, unless the
    caller passes ``locked=True``: it already holds ``order`` read that way in the current
    transaction (a payment notification reads its order once), so its status is current and
    the move is written inside the caller's transaction without a savepoint.
    """
    target = _status_short_name(to_status)
    user, actor = _actor(by)
    if locked:
        if not transaction.get_connection().in_atomic_block:
            raise transaction.TransactionManagementError("transition(locked=True) needs the caller's transaction.")
        _check_transition(order, order.status_id, target)
        with transaction.atomic(savepoint=False):
            return _write_transition(order, order, target, user, actor, note, tracking_number)
    with transaction.atomic():
        locked_order = Order.objects.select_for_update().get(pk=order.pk)
        _check_transition(locked_order, locked_order.status_id, target)
        return _write_transition(order, locked_order, target, user, actor, note, tracking_number)


def _check_transition(order, current, target):
    if target not in TRANSITIONS.get(current, ()):
        raise IllegalTransition(
            _("Order %(number)s cannot move from %(current)s to %(target)s.")
            % {"number": order.number, "current": Status.label_for(current), "target": Status.label_for(target)}
        )


def _write_transition(order, locked, target, user, actor, note, tracking_number):
    """The writes of :func:`transition` on the ``locked`` row (in the caller's transaction)."""
    current = locked.status_id
    locked.status_id = target
    fields = ["status", "updated_at"]
    if tracking_number is not None:
        locked.tracking_number = str(tracking_number).strip()[:100]
        fields.append("tracking_number")
    if target == Status.PAID and locked.cart_session_key:
        # The paid order's session cart is emptied after commit; the key is not needed again.
        cart_session_key, locked.cart_session_key = locked.cart_session_key, ""
        fields.append("cart_session_key")
    else:
        cart_session_key = ""
    locked.save(update_fields=fields)
    if target in RELEASES_STOCK:
        release_stock(locked)
    change = OrderStatusChange.objects.create(
        order=locked, from_status_id=current, to_status_id=target, changed_by=user, actor=actor, note=note
    )

    def after_commit():
        if cart_session_key:
            clear_placed_cart(locked, session_key=cart_session_key)
        queue_status_email(locked, change)
        order_status_changed.send(sender=Order, order=locked, from_status=current, to_status=target, change=change)

    transaction.on_commit(after_commit)
    if order is not locked:
        order.status_id = locked.status_id
        order.tracking_number = locked.tracking_number
        order.updated_at = locked.updated_at
        order.cart_session_key = locked.cart_session_key
    order._state.fields_cache.pop("status", None)
    return order


# --- feedback -----------------------------------------------------------------------------


def add_feedback(order, body, *, author=None, staff_reply=False):
    """Add a message to ``order``'s feedback thread.

    A staff reply is emailed to the customer; a customer's message is emailed to the site's
    ``MANAGERS`` so someone answers it.
    """
    message = OrderFeedback.objects.create(
        order=order,
        author=author if author is not None and author.is_authenticated else None,
        is_staff_reply=staff_reply,
        body=body,
    )
    if staff_reply:
        transaction.on_commit(lambda: _send_feedback_reply_email(order, message))
    else:
        transaction.on_commit(lambda: _notify_managers_of_feedback(order, message))
    return message


def _notify_managers_of_feedback(order, message):
    try:
        subject, text, html = render_email(
            subject_template="orders/email/feedback_staff_subject.txt",
            body_template="orders/email/feedback_staff_body.txt",
            context={"order": order, "message": message},
        )
        mail_managers(subject, text, html_message=html)
    except Exception:  # an email failure must not lose the customer's message
        logger.exception("Could not tell the managers about feedback on order %s", order.number)


def _send_feedback_reply_email(order, message):
    try:
        send_templated_mail(
            to=order.email,
            subject_template="orders/email/feedback_reply_subject.txt",
            body_template="orders/email/feedback_reply_body.txt",
            context={"order": order, "message": message},
        )
    except Exception:  # an email failure must not undo the reply
        logger.exception("Could not send the feedback reply email for order %s", order.number)


# --- abandoned orders -------------------------------------------------------------------


def delete_abandoned_orders(days, *, dry_run=False) -> list[dict]:
    """Delete NEW orders placed more than ``days`` days ago, releasing their stock.

    Returns one ``{"number", "placed_at", "email", "units"}`` dict per order (deleted, or that
    would be deleted with ``dry_run``). Each order is handled in its own transaction and
    re-checked under a row lock, so an order paid meanwhile is left alone.
    """
    report = []
    for order_id in Order.objects.abandoned(days).order_by("placed_at").values_list("pk", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).abandoned(days).first()
            if order is None:
                continue
            reserved = sum(line.quantity for line in order.lines.all() if line.stock_reserved)
            if not dry_run:
                release_stock(order)
                order.delete()
            report.append(
                {
                    "number": order.number,
                    "placed_at": order.placed_at,
                    "email": order.email,
                    "units": reserved,
                }
            )
    return report


__all__ = [
    "TRANSITIONS",
    "add_feedback",
    "allowed_transitions",
    "delete_abandoned_orders",
    "release_stock",
    "transition",
]
