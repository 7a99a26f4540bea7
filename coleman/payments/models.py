"""The payments app's records: money movements and the inbound message log.

Both are generic: every processor stores its transactions and its inbound messages here,
distinguished by ``processor`` (the processor's ``name``).
"""

from django.conf import settings
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


class TokenKind(models.TextChoices):
    """The two kinds of FPS aggregated payments instrument."""

    PREPAID = "prepaid", "Prepaid balance"
    POSTPAID = "postpaid", "Postpaid credit"


class TokenAction(models.TextChoices):
    """What a :class:`TokenReference` records: an instrument's setup, or a call made on it."""

    SETUP = "setup", "Setup (Co-Branded UI)"
    FUND = "fund", "FundPrepaid"
    PAY = "pay", "Pay"
    SETTLE = "settle", "SettleDebt"
    WRITE_OFF = "write_off", "WriteOffDebt"


class TokenStatus(models.TextChoices):
    """Where a setup or a call stands: the CBUI's answer, or FPS's TransactionStatus."""

    NEW = "new", "Sent to Amazon"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined by the shopper"
    SENT = "sent", "Sent, no answer yet"
    SUCCESS = "success", "Success"
    PENDING = "pending", "Pending"
    RESERVED = "reserved", "Reserved"
    FAILURE = "failure", "Failure"
    CANCELLED = "cancelled", "Cancelled"
    REFUSED = "refused", "Refused (FPS error)"


class TokenReferenceQuerySet(models.QuerySet):
    """Query helpers for :class:`TokenReference`."""

    def instruments(self):
        """Setups that Amazon authorised (the customer's prepaid balances and postpaid credits)."""
        return self.filter(action=TokenAction.SETUP, status=TokenStatus.ACTIVE)


class TokenReference(models.Model):
    """An FPS aggregated payments instrument (its setup) or one call made on it (the book, ch. 9).

    A *setup* row is sent to Amazon's Co-Branded UI (``SetupPrepaid``/``SetupPostpaid``) with
    ``sender_reference`` and ``caller_reference`` (the funding or settlement reference); the
    return fills ``instrument_id``, ``sender_token_id`` (what purchases are paid with) and
    ``second_token_id`` (the funding or settlement token), and the last balance read is kept in
    ``available`` (prepaid left / credit left) and ``other`` (funded so far / debt).
    A *call* row (``FundPrepaid``, ``Pay``, ``SettleDebt``, ``WriteOffDebt``) points at its
    setup and keeps its ``CallerReference`` (unique per action: a retry sends the same one and
    finds this row), FPS's ``transaction_id`` and ``request_id``, and ``order`` for a purchase.
    """

    processor = models.CharField(max_length=40, default="amazon")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fps_tokens")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="fps_tokens"
    )
    setup = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="calls", help_text="The instrument."
    )
    kind = models.CharField(max_length=10, choices=TokenKind.choices)
    action = models.CharField(max_length=10, choices=TokenAction.choices)
    status = models.CharField(max_length=10, choices=TokenStatus.choices, default=TokenStatus.NEW)
    sender_reference = models.CharField(max_length=128, blank=True, help_text="callerReferenceSender.")
    caller_reference = models.CharField(max_length=128, help_text="CallerReference (setup: funding or settlement).")
    instrument_id = models.CharField(max_length=128, blank=True)
    sender_token_id = models.CharField(max_length=255, blank=True)
    second_token_id = models.CharField(max_length=255, blank=True, help_text="Funding or settlement token.")
    transaction_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    global_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    available = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    other = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3)
    message = models.TextField(blank=True)
    raw_response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TokenReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "action", "caller_reference"], name="payments_token_unique_reference"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_action_display()} {self.caller_reference} ({self.status})"
