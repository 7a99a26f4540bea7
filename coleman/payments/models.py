"""The payments app's records: money movements and the inbound message log.

Both are generic: every processor stores its transactions and its inbound messages here,
distinguished by ``processor`` (the processor's ``name``).
"""

from django.db import models
from django.db.models import Q


class TransactionKind(models.TextChoices):
    """What a transaction does to the money."""

    CHECKOUT = "checkout", "Checkout hand-off"
    AUTHORIZE = "authorize", "Authorization"
    CHARGE = "charge", "Charge"
    REFUND = "refund", "Refund"
    CANCEL = "cancel", "Cancellation"
    CHARGEBACK = "chargeback", "Chargeback"
    SHIP = "ship", "Shipping notice"
    ARCHIVE = "archive", "Archive"


class TransactionStatus(models.TextChoices):
    """Where a transaction stands at the service."""

    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    DECLINED = "declined", "Declined"
    FAILED = "failed", "Failed"


class PaymentTransactionQuerySet(models.QuerySet):
    """Query helpers for :class:`PaymentTransaction`."""

    def for_order(self, order):
        """This order's transactions, newest first."""
        return self.filter(order=order).order_by("-created_at", "-id")

    def succeeded(self):
        """Transactions the service confirmed."""
        return self.filter(status=TransactionStatus.SUCCEEDED)


class PaymentTransaction(models.Model):
    """One request to a payment service about an order, and what the service answered.

    ``reference`` is our own identifier for the request (Amazon's callerReference, PayPal's
    invoice, a Google notification serial): unique per processor and kind, so a retried
    request finds its first attempt instead of charging twice. ``remote_id`` is the
    service's identifier (Google order number, FPS TransactionId, PayPal transaction id),
    unique per processor and kind when present; ``token`` holds a payment token the service
    returned (FPS tokenID, PayPal EC token).
    """

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payment_transactions")
    processor = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    reference = models.CharField(max_length=128, help_text="Our reference for this request.")
    remote_id = models.CharField(max_length=128, blank=True, help_text="The service's identifier.")
    request_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The service's id of the request's answer (FPS RequestId), for its support.",
    )
    token = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=TransactionStatus.choices, default=TransactionStatus.PENDING)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    message = models.TextField(blank=True, help_text="What the service said, in words.")
    raw_response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentTransactionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["processor", "kind", "reference"], name="payments_txn_unique_reference"),
            models.UniqueConstraint(
                fields=["processor", "kind", "remote_id"],
                condition=~Q(remote_id=""),
                name="payments_txn_unique_remote_id",
            ),
        ]
        indexes = [models.Index(fields=["processor", "remote_id"], name="payments_txn_remote_idx")]

    def __str__(self):
        return f"{self.processor} {self.get_kind_display()} {self.reference} ({self.get_status_display()})"


class EventOutcome(models.TextChoices):
    """What the store did with an inbound message."""

    APPLIED = "applied", "Applied"
    DUPLICATE = "duplicate", "Duplicate (already applied)"
    IGNORED = "ignored", "Acknowledged, nothing to do"
    FLAGGED = "flagged", "Flagged the order for attention"
    REJECTED = "rejected", "Rejected"


class PaymentEventQuerySet(models.QuerySet):
    """Query helpers for :class:`PaymentEvent`."""

    def for_order(self, order):
        """Messages about this order, oldest first (the order's payment story)."""
        return self.filter(order=order).order_by("created_at", "id")


class PaymentEvent(models.Model):
    """One inbound message from a payment service, as received and as understood.

    Every notification, return and callback is logged here, accepted or not. Authenticated
    messages carry the service's serial number (or another idempotency key) in
    ``idempotency_key``, unique per processor: the database refuses a second copy, which is
    what makes applying a message idempotent. Duplicates and rejected messages are logged
    with an empty key.
    """

    processor = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=80, blank=True, help_text="The message type, e.g. new-order-notification.")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="payment_events"
    )
    idempotency_key = models.CharField(max_length=128, blank=True)
    body = models.TextField(blank=True, help_text="The raw message (truncated when very large).")
    parsed = models.JSONField(default=dict, blank=True)
    authenticated = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=EventOutcome.choices)
    message = models.TextField(blank=True, help_text="Why the store did what it did.")
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PaymentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payments_event_unique_key",
            )
        ]

    def __str__(self):
        return f"{self.processor} {self.kind or 'message'} ({self.get_outcome_display()})"
