"""The Stripe Checkout processor: a hosted payment page, and the order paid by a signed webhook.

The hand-off creates a Checkout Session with the order's lines, shipping and totals
(``client.StripeCheckoutClient``) and redirects the shopper to Stripe's page. Coming back
(``success_url``) only tells the shopper where things stand: the order is marked paid by the
``checkout.session.completed`` event posted to ``views.StripeWebhookView``, verified by the
``stripe`` library's signature check, applied once per event id, and checked against the
order (session, reference, amount, currency). Refunds go through the API from the admin.
"""

import json
import logging

from django.core import checks
from django.http import HttpResponseRedirect
from django.urls import path

from coleman.core.money import to_money
from coleman.orders.statuses import Status

from ...exceptions import GatewayError, NotSupported
from ...models import EventOutcome, PaymentTransaction, TransactionKind, TransactionStatus
from ...services import flag_order, move_order, record_checkout, transaction_record
from ..base import PaymentProcessor
from ..views import ProcessorReturnView
from .client import StripeCheckoutClient, stripe_client
from .protocol import (
    DEFAULT_TOLERANCE,
    LIVE_API_BASE,
    CheckoutLine,
    CheckoutRequest,
    checkout_session_params,
    to_minor_units,
    verify_event,
)
from .views import StripeCancelView, StripeWebhookView

logger = logging.getLogger("coleman.payments.processors.stripe")

#: A Stripe refund's ``status`` as our transaction status (``pending`` until the money moves).
REFUND_STATUSES = {
    "succeeded": TransactionStatus.SUCCEEDED,
    "pending": TransactionStatus.PENDING,
    "requires_action": TransactionStatus.PENDING,
    "failed": TransactionStatus.FAILED,
    "canceled": TransactionStatus.FAILED,
}


def checkout_request_for(order):
    """The :class:`CheckoutRequest` of ``order``: its lines, shipping and total as sold."""
    return CheckoutRequest(
        order_number=order.number,
        currency=order.currency,
        lines=[
            CheckoutLine(name=line.name, unit_price=line.unit_price, quantity=line.quantity)
            for line in order.lines.all()
        ],
        shipping=order.shipping,
        shipping_name=order.shipping_method,
        total=order.total,
        email=order.email,
    )


class StripeCheckout(PaymentProcessor):
    """Stripe Checkout: pay on Stripe's hosted page; the signed webhook marks the order paid."""

    name = "stripe"
    verbose_name = "Stripe"
    settings_prefix = "STRIPE_"
    default_settings = {
        # The secret API key (sk_live_… / sk_test_…) and the webhook endpoint's signing secret
        # (whsec_…). Empty: set them (check E160).
        "SECRET_KEY": "",
        "WEBHOOK_SECRET": "",
        # Seconds a webhook's signed timestamp stays acceptable (Stripe's library default: 300).
        "WEBHOOK_TOLERANCE": DEFAULT_TOLERANCE,
        # Stripe's API (the library's api_base).
        "API_BASE": LIVE_API_BASE,
    }
    endpoint_settings = ("API_BASE",)

    # --- configuration -----------------------------------------------------------------

    def check(self):
        """E160: credentials missing; E161: a tolerance that is not a number of seconds in 1..3600."""
        errors = []
        if not (self.setting("SECRET_KEY") and self.setting("WEBHOOK_SECRET")):
            errors.append(
                checks.Error(
                    "COLEMAN_STRIPE_SECRET_KEY and COLEMAN_STRIPE_WEBHOOK_SECRET must be set.", id="coleman.E160"
                )
            )
        tolerance = self.setting("WEBHOOK_TOLERANCE")
        if isinstance(tolerance, bool) or not isinstance(tolerance, int) or not 0 < tolerance <= 3600:
            errors.append(
                checks.Error(
                    f"COLEMAN_STRIPE_WEBHOOK_TOLERANCE must be a number of seconds from 1 to 3600 (is {tolerance!r}).",
                    hint="Stripe's default is 300; 0 would accept replays of old events for ever.",
                    id="coleman.E161",
                )
            )
        return errors

    def client(self):
        """The API client; POSTs carry our idempotency keys, so the session may re-send them."""
        session = self.http_session(idempotent=True)
        return StripeCheckoutClient(
            stripe_client(
                session,
                api_key=self.setting("SECRET_KEY"),
                api_base=self.setting("API_BASE"),
                timeout=session.timeout,
            )
        )

    def verify_event(self, payload, signature_header):
        """The webhook's event once its signature is checked (raises ``MessageRejected`` otherwise)."""
        return verify_event(
            payload,
            signature_header,
            secret=self.setting("WEBHOOK_SECRET"),
            tolerance=self.setting("WEBHOOK_TOLERANCE"),
        )

    def get_urls(self):
        """The shopper's return and cancel pages and the webhook, under ``/payments/stripe/``."""
        return [
            path("return/<str:number>/", ProcessorReturnView.as_view(processor=self), name="return"),
            path("cancel/<str:number>/", StripeCancelView.as_view(processor=self), name="cancel"),
            path("webhook/", StripeWebhookView.as_view(processor=self), name="webhook"),
        ]

    # --- checkout ----------------------------------------------------------------------

    def get_checkout_response(self, request, order):
        """Create (once per order: the idempotency key) a Checkout Session and redirect to its page."""
        params = checkout_session_params(
            checkout_request_for(order),
            # Stripe puts the session id in place of {CHECKOUT_SESSION_ID}.
            success_url=self.absolute_url(request, "return", order.number) + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=self.absolute_url(request, "cancel", order.number),
        )
        session = self.client().create_checkout_session(params, idempotency_key=f"coleman-checkout-{order.number}")
        record_checkout(
            order, self.name, remote_id=session["id"][:128], message="Checkout Session created.", refresh=True
        )
        return HttpResponseRedirect(session["url"])

    def checkout_for_session(self, session_id):
        """Our checkout record of the Checkout Session ``session_id`` (with its order), or None."""
        if not session_id or len(session_id) > 128:
            return None
        return (
            PaymentTransaction.objects.filter(processor=self.name, kind=TransactionKind.CHECKOUT, remote_id=session_id)
            .select_related("order")
            .first()
        )

    def record_payment(self, order, facts, raw, *, locked=False):
        """Store the session's payment once per order; a paid session moves the order to PAID.

        ``facts`` was already checked against the order; ``locked``: the order was read
        ``select_for_update`` in this transaction (see :func:`~coleman.payments.services.move_order`).
        Returns ``(outcome, message)``.
        """
        txn = transaction_record(self.name, order, locked=locked, currency=facts.currency[:3])
        if txn.status == TransactionStatus.SUCCEEDED:
            return EventOutcome.IGNORED, "The payment was already recorded."
        txn.remote_id = facts.payment_intent[:128]
        txn.token = facts.session_id[:255]
        txn.amount = facts.amount()
        txn.raw_response = raw
        txn.status = TransactionStatus.SUCCEEDED if facts.paid else TransactionStatus.PENDING
        txn.message = f"Checkout Session {facts.session_id}: payment_status {facts.payment_status}"
        txn.save()
        if not facts.paid:
            return EventOutcome.APPLIED, f"Session {facts.session_id} completed; payment is {facts.payment_status}."
        move_order(
            order,
            Status.PAID,
            processor=self.name,
            note=f"Stripe Checkout Session {facts.session_id} paid.",
            locked=locked,
        )
        return EventOutcome.APPLIED, f"Session {facts.session_id} paid ({facts.payment_intent})."

    def record_failed_payment(self, order, facts, raw, *, locked=False):
        """A delayed payment (a bank debit) of the session failed: the charge is recorded as
        failed and an unpaid order is flagged for staff (the shopper may pay another way, or
        the order is cancelled). A paid charge is never undone by it. ``locked``: as for
        :meth:`record_payment`. Returns ``(outcome, message)``.
        """
        txn = transaction_record(self.name, order, locked=locked, currency=facts.currency[:3], amount=facts.amount())
        if txn.status == TransactionStatus.SUCCEEDED:
            return EventOutcome.IGNORED, "The payment was already recorded as collected; the failure changes nothing."
        txn.status = TransactionStatus.FAILED
        txn.raw_response = raw
        txn.message = f"Checkout Session {facts.session_id}: the delayed payment failed."
        txn.save()
        note = f"Stripe could not collect the delayed payment of Checkout Session {facts.session_id}."
        flag_order(order, note, processor=self.name, locked=locked)
        return EventOutcome.FLAGGED, note

    # --- the pipeline ----------------------------------------------------------------------

    def refund(self, order, amount=None, reason=""):
        """Refund the order's Stripe payment in full through the API (``POST /v1/refunds``), once."""
        charge = PaymentTransaction.objects.filter(
            processor=self.name, kind=TransactionKind.CHARGE, order=order, status=TransactionStatus.SUCCEEDED
        ).first()
        if charge is None or not charge.remote_id:
            raise GatewayError("This order has no completed Stripe payment to refund.")
        if amount is not None and to_money(amount) != charge.amount:
            raise NotSupported("Stripe refunds from the store are full refunds only.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.REFUND,
            reference=order.number,
            defaults={"order": order, "amount": charge.amount, "currency": charge.currency, "message": reason},
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        try:
            refund = self.client().refund(
                payment_intent=charge.remote_id,
                amount=to_minor_units(charge.amount, charge.currency),
                idempotency_key=f"coleman-refund-{order.number}",
                metadata={"order_number": order.number, "reason": reason[:500]},
            )
        except GatewayError as exc:
            txn.status = TransactionStatus.FAILED
            txn.message = str(exc)
            txn.save(update_fields=["status", "message", "updated_at"])
            logger.warning("Stripe refund of order %s failed: %s", order.number, exc)
            raise GatewayError(f"Stripe refused the refund: {exc}") from exc
        txn.remote_id = refund["id"][:128]
        txn.status = REFUND_STATUSES.get(refund.get("status"), TransactionStatus.PENDING)
        txn.message = f"Refund {refund['id']} {refund.get('status', '')}. {reason}".strip()
        txn.raw_response = json.dumps(refund)
        txn.save()
        return txn


__all__ = ["StripeCheckout", "checkout_request_for"]
