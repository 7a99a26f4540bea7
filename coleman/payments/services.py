"""Business operations of the payments app: logging inbound messages, applying them once,
moving orders along the pipeline on a payment service's word, and recording transactions.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from coleman.orders.exceptions import IllegalTransition
from coleman.orders.services import transition
from coleman.orders.statuses import Status

from .exceptions import ProcessorNotFound
from .models import EventOutcome, PaymentEvent, PaymentTransaction, TransactionKind
from .processors import get_processor

logger = logging.getLogger("coleman.payments")

#: Raw bodies longer than this are stored truncated in the event log.
MAX_LOGGED_BODY = 64 * 1024


def _loggable(body, limit=MAX_LOGGED_BODY):
    """``body`` as text a database can store: UTF-8 (invalid bytes replaced), NULs escaped, truncated."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    body = (body or "").replace("\x00", "\\x00")
    return body if len(body) <= limit else body[:limit] + "\n…[truncated]"


def log_rejected(processor, kind, body, message, *, remote_addr=None, order=None, parsed=None, authenticated=False):
    """Record a message the store refused (bad credentials, malformed, unknown order…)."""
    logger.warning("payments: %s rejected %s message: %s", processor, kind or "unknown", message)
    return PaymentEvent.objects.create(
        processor=processor,
        kind=_loggable(kind or "", 80)[:80],
        order=order,
        body=_loggable(body),
        parsed=parsed or {},
        authenticated=authenticated,
        outcome=EventOutcome.REJECTED,
        message=_loggable(message, 2000),
        remote_addr=remote_addr,
    )


def apply_once(*, processor, key, kind, body, parsed, order, apply, remote_addr=None, writes=True):
    """Apply an authenticated message exactly once; returns ``(event, applied)``.

    In one transaction: ``order`` is found (it may be a callable, called inside the
    transaction, e.g. to read the order ``select_for_update``), ``apply(event)`` runs and
    returns ``(outcome, message)``, then the event row is inserted with ``key`` (the service's
    serial number), the order and the outcome: one statement. The unique constraint on the
    key decides: a message whose key is already in the log (a repeat, or a copy that lost a
    race) makes that insert fail, everything ``apply`` did is rolled back, and the message is
    recorded as a duplicate (with an empty key) that changed nothing. When ``apply`` or
    ``order`` raises, nothing is kept and the exception propagates. Because a repeat runs
    ``apply`` before it is known to be one, ``apply`` may only write to the database: e-mails,
    tasks and calls to the payment service go through ``transaction.on_commit``.

    ``writes=False`` says the message can change nothing, whatever state the order is in (it is
    only logged, e.g. Google's risk information): outside a transaction, the event's INSERT
    alone is then atomic, and no transaction is opened around it.
    """
    if not key:
        raise ValueError("apply_once needs the message's idempotency key.")
    event = PaymentEvent(
        processor=processor,
        kind=kind,
        order=None if callable(order) else order,
        idempotency_key=key,
        body=_loggable(body),
        parsed=parsed,
        authenticated=True,
        outcome=EventOutcome.APPLIED,
        remote_addr=remote_addr,
    )

    def record():
        if callable(order):
            event.order = order()
        event.outcome, message = apply(event)
        event.message = message or ""
        event.save(force_insert=True)

    try:
        if writes or transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                record()
        else:
            record()
    except IntegrityError:
        first = PaymentEvent.objects.filter(processor=processor, idempotency_key=key).values_list("pk", flat=True)
        first = first.first()
        if first is None:  # not a repeat: the integrity error was apply's own
            raise
    else:
        return event, True
    duplicate = PaymentEvent.objects.create(
        processor=processor,
        kind=kind,
        order=_still_there(event.order) if callable(order) and event.order is not None else event.order,
        body=event.body,
        parsed=parsed,
        authenticated=True,
        outcome=EventOutcome.DUPLICATE,
        message=f"Already received as event #{first}; nothing changed.",
        remote_addr=remote_addr,
    )
    return duplicate, False


def _still_there(order):
    """``order``, unless it was created in the transaction that was just rolled back (None then)."""
    return order if type(order).objects.filter(pk=order.pk).exists() else None


def move_order(order, status, *, processor, note="", locked=False):
    """Move ``order`` to ``status`` on a payment service's word; returns True when it moved.

    A move to the status the order already has is a no-op (messages repeat); a move the
    pipeline forbids is logged and reported as False instead of raising, because a payment
    service's late message must never break the store's answer to it. ``locked=True`` says
    the caller read ``order`` with ``select_for_update`` in the current transaction, so its
    status is current and it is not read again.
    """
    if not locked:
        order.refresh_from_db(fields=["status"])
    if order.status_id == status:
        return False
    try:
        transition(order, status, by=f"payments: {processor}", note=note, locked=locked)
    except IllegalTransition as exc:
        logger.info("payments: %s could not move order %s: %s", processor, order.number, exc)
        return False
    return True


def flag_order(order, note, *, processor, locked=False):
    """Move ``order`` to EXCEPTION so staff look at it; ``note`` says why (``locked``: see :func:`move_order`)."""
    logger.warning("payments: order %s flagged by %s: %s", order.number, processor, note)
    return move_order(order, Status.EXCEPTION, processor=processor, note=note, locked=locked)


def processor_name_for_order(order):
    """The name of the processor that took ``order`` (its latest transaction's), or ''."""
    return (
        PaymentTransaction.objects.filter(order=order)
        .order_by("-created_at", "-id")
        .values_list("processor", flat=True)
        .first()
        or ""
    )


def processor_for_order(order):
    """The installed processor that took ``order``; raises ``ProcessorNotFound`` otherwise."""
    name = processor_name_for_order(order)
    if not name:
        raise ProcessorNotFound(f"Order {order.number} was never handed to a payment service.")
    return get_processor(name)


def transaction_record(processor, order, kind=TransactionKind.CHARGE, *, locked=False, **defaults):
    """``order``'s ``kind`` of transaction at ``processor`` (reference: the order number), made with
    ``defaults`` when there is none; the caller sets its outcome and saves it.

    ``locked=True`` says the order was read ``select_for_update`` in the current transaction,
    as every writer of this record does first: the row is looked for, and a new one is returned
    unsaved, so its first ``save()`` inserts it with its values (no savepoint, no second write).
    Otherwise ``get_or_create`` guards the insert against a concurrent one with a savepoint.
    """
    lookup = {"processor": processor, "kind": kind, "reference": order.number}
    if not locked:
        return PaymentTransaction.objects.get_or_create(**lookup, defaults={"order": order, **defaults})[0]
    return PaymentTransaction.objects.filter(**lookup).first() or PaymentTransaction(**lookup, order=order, **defaults)


def record_checkout(order, processor, *, remote_id="", token="", message="", refresh=False):
    """Record (once per order and processor) that ``order`` was handed to ``processor``.

    Outside a transaction (the hand-off page) the row is inserted on its own (one statement,
    no transaction around it): the first hand-off of an order, the usual case, needs nothing
    else; when the row is there already (the shopper came back to pay, or a concurrent
    hand-off won) the unique reference refuses the insert and the row is read, or with
    ``refresh=True`` given this hand-off's values (the amount, and those of ``remote_id``,
    ``token`` and ``message`` that are given) in one UPDATE first. Inside one,
    ``get_or_create`` (``update_or_create`` with ``refresh``) guards the insert with a savepoint.
    """
    lookup = {"processor": processor, "kind": TransactionKind.CHECKOUT, "reference": order.number}
    given = {name: value for name, value in (("remote_id", remote_id), ("token", token), ("message", message)) if value}
    defaults = {"order": order, "amount": order.total, "currency": order.currency, **given}
    if transaction.get_connection().in_atomic_block:
        if refresh:
            return PaymentTransaction.objects.update_or_create(**lookup, defaults=defaults)[0]
        return PaymentTransaction.objects.get_or_create(**lookup, defaults=defaults)[0]
    try:
        return PaymentTransaction.objects.create(**lookup, **defaults)
    except IntegrityError:
        if refresh:
            PaymentTransaction.objects.filter(**lookup).update(**defaults, updated_at=timezone.now())
        return PaymentTransaction.objects.get(**lookup)
