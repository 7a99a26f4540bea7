"""Stripe's inbound HTTP: the shopper's cancel page and the webhook endpoint.

The shopper's return after paying is the shared ``ProcessorReturnView``: it only says where the
payment stands, because the webhook, not the browser, marks the order paid.
"""

import logging
import re

from django.contrib import messages
from django.db import OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.conf import coleman_settings
from coleman.orders.access import can_view
from coleman.orders.models import Order

from ...exceptions import MessageRejected
from ...models import EventOutcome, PaymentEvent
from ...services import apply_once, log_rejected
from ..views import remote_addr
from .protocol import SESSION_ASYNC_FAILED, SESSION_EVENTS, SessionFacts

logger = logging.getLogger("coleman.payments.processors.stripe")

#: What a Stripe object id looks like (``evt_…``, ``cs_…``): anything else, a NUL included (which
#: PostgreSQL refuses in text), never reaches a query.
STRIPE_ID = re.compile(r"[A-Za-z0-9_]{1,100}")


class StripeCancelView(View):
    """``cancel_url``: the shopper left Stripe's page without paying; back to the cart, order unpaid."""

    http_method_names = ["get"]
    processor = None

    def get(self, request, number):
        """Say clearly that nothing was paid (and log it on the order when it is this shopper's)."""
        order = Order.objects.filter(number=number[:20]).first()
        if order is not None and can_view(request, order):
            PaymentEvent.objects.create(
                processor=self.processor.name,
                kind="cancel",
                order=order,
                outcome=EventOutcome.IGNORED,
                message="The shopper left Stripe's payment page; the order stays unpaid.",
                remote_addr=remote_addr(request),
            )
            messages.warning(
                request,
                _("You left the Stripe payment page. Your order %(number)s is saved but not paid.")
                % {"number": order.number},
            )
        else:
            messages.warning(request, _("You left the Stripe payment page; nothing was paid."))
        return redirect("cart:detail")


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's webhook endpoint: events signed with the endpoint secret.

    CSRF-exempt because Stripe, not a browser, posts here; nothing in the body is believed before
    the ``stripe`` library has checked the ``Stripe-Signature`` header (HMAC-SHA256, timestamp
    within the tolerance). Each event id is applied once (the payment-event log's unique key).

    Only the Checkout Session's events change an order, and only when the session is the one
    the store created for it and its reference, amount and currency are the order's:
    ``checkout.session.completed`` (paid, or for a delayed method such as a bank debit,
    submitted and pending), then for delayed methods ``checkout.session.async_payment_succeeded``
    (paid) or ``checkout.session.async_payment_failed`` (the order needs attention). Other
    events are acknowledged and logged.
    """

    http_method_names = ["post"]
    processor = None

    def reject(self, request, message, status, **kwargs):
        """Log a refused event and answer ``status`` (4xx: Stripe shows it and retries)."""
        log_rejected(self.processor.name, "webhook", request.body, message, remote_addr=remote_addr(request), **kwargs)
        return HttpResponse(message, status=status, content_type="text/plain")

    def post(self, request):
        """Verify, find the order, apply once."""
        raw = request.body
        if len(raw) > coleman_settings.PAYMENTS_MAX_MESSAGE_BYTES:
            return self.reject(request, "The event is too large.", 413)
        try:
            event = self.processor.verify_event(raw, request.headers.get("Stripe-Signature"))
        except MessageRejected as exc:
            return self.reject(request, str(exc), exc.status)
        data = event.to_dict()
        event_id, kind = data.get("id"), data.get("type")
        if not (isinstance(event_id, str) and STRIPE_ID.fullmatch(event_id) and isinstance(kind, str)):
            return self.reject(request, "The event has no usable id or type.", 400, authenticated=True)
        session = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
        if kind not in SESSION_EVENTS or not isinstance(session, dict):
            return self.acknowledge(request, event_id, kind.replace("\x00", "")[:80], raw)
        facts = SessionFacts.from_session(session)
        checkout = (
            self.processor.checkout_for_session(facts.session_id) if STRIPE_ID.fullmatch(facts.session_id) else None
        )
        if checkout is None:
            # A verified event about a session this store never created (another shop on the same
            # Stripe account, or a test event): answered 200 so Stripe stops sending it.
            log_rejected(
                self.processor.name,
                kind,
                raw,
                f"Event {event_id} names no Checkout Session of ours ({facts.session_id!r}); not applied.",
                remote_addr=remote_addr(request),
                authenticated=True,
            )
            return HttpResponse("Ignored: not our Checkout Session.", content_type="text/plain")
        try:
            event_row, _applied = apply_once(
                processor=self.processor.name,
                key=event_id,
                kind=kind,
                body=raw,
                parsed={"event": event_id, "session": facts.session_id, "order": facts.client_reference_id},
                # The one read of the order, locked, in the transaction that applies the event.
                order=lambda: Order.objects.select_for_update().get(pk=checkout.order_id),
                apply=lambda row: self.apply(row.order, facts, event_id, kind, raw),
                remote_addr=remote_addr(request),
            )
        except OperationalError as exc:
            # A busy database is transient: a 503 makes Stripe send the event again later.
            logger.warning("Stripe event %s not applied now (database busy): %s", event_id, exc)
            return HttpResponse("Busy; please resend.", status=503, content_type="text/plain")
        return HttpResponse(event_row.get_outcome_display(), content_type="text/plain")

    def acknowledge(self, request, event_id, kind, raw):
        """A verified event the store takes no action on: logged once, answered 200."""
        apply_once(
            processor=self.processor.name,
            key=event_id,
            kind=kind,
            body=raw,
            parsed={"event": event_id},
            order=None,
            apply=lambda row: (EventOutcome.IGNORED, f"Stripe event type {kind!r} needs no action."),
            remote_addr=remote_addr(request),
        )
        return HttpResponse("Ignored.", content_type="text/plain")

    def apply(self, order, facts, event_id, kind, raw):
        """What a session event does to ``order`` (read ``select_for_update``): nothing unless it
        matches, then the payment (or, for a failed delayed payment, the failure)."""
        problems = facts.problems(order_number=order.number, total=order.total, currency=order.currency)
        if problems:
            note = f"Stripe event {event_id} does not match order {order.number}: " + "; ".join(problems)
            logger.warning("payments: stripe refused event %s: %s", event_id, note)
            return EventOutcome.REJECTED, note + ". The order was not changed."
        if kind == SESSION_ASYNC_FAILED:
            return self.processor.record_failed_payment(order, facts, raw.decode("utf-8", "replace"), locked=True)
        return self.processor.record_payment(order, facts, raw.decode("utf-8", "replace"), locked=True)


__all__ = ["StripeCancelView", "StripeWebhookView"]
