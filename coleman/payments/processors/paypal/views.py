"""PayPal's inbound HTTP: the shopper's return, "Place order", cancel, and the IPN endpoint."""

import hmac
import logging

from django.contrib import messages
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.money import to_money
from coleman.orders.access import can_view
from coleman.orders.models import Order

from ...exceptions import GatewayError
from ...models import EventOutcome, PaymentEvent, PaymentTransaction, TransactionKind, TransactionStatus
from ...services import apply_once, flag_order, log_rejected
from ..views import remote_addr
from .protocol import MAX_NVP_BYTES, Ipn, PayPalApiError, PayPalMalformed, decode_ipn

logger = logging.getLogger("coleman.payments.processors.paypal")


class PayPalViewMixin:
    """Shared bits of the PayPal views."""

    processor = None
    error_template_name = "payments/paypal/error.html"

    def error_page(self, request, message, status):
        """A 4xx page explaining what went wrong."""
        return render(request, self.error_template_name, {"error": message}, status=status)

    def viewable_order(self, request, token):
        """The order of ``token`` if this browser may see it, else None."""
        order = self.processor.order_for_token(token)
        if order is None or not can_view(request, order):
            return None
        return order

    def unpaid_order(self, request, token):
        """``(order, None)`` for this browser's unpaid order of ``token``; else ``(None, answer)``:
        a 404 page, or the order's page when PayPal already took the payment."""
        order = self.viewable_order(request, token)
        if order is None:
            return None, self.error_page(request, "This PayPal checkout is unknown or not yours.", 404)
        if self.processor.is_paid(order):
            messages.info(request, f"Your order {order.number} is already paid.")
            return None, HttpResponseRedirect(order.get_absolute_url())
        return order, None


class PayPalReturnView(PayPalViewMixin, View):
    """``RETURNURL``: read the checkout from PayPal, then show the confirm page ("Place order")."""

    http_method_names = ["get"]
    template_name = "payments/paypal/confirm.html"

    def get(self, request):
        """Check PayPal's details against our order before offering to place it."""
        processor = self.processor
        token = request.GET.get("token", "")
        payer_id = request.GET.get("PayerID", "")
        order, answer = self.unpaid_order(request, token)
        if answer is not None:
            return answer
        try:
            details = processor.client().get_express_checkout_details(token)
        except GatewayError as exc:
            logger.warning("PayPal GetExpressCheckoutDetails failed for %s: %s", order.number, exc)
            return self.error_page(request, "PayPal could not confirm this checkout; please try again.", 502)
        if not details.approved or not hmac.compare_digest(details.payer_id.encode(), payer_id.encode()):
            return self.error_page(request, "PayPal has not approved this payment.", 400)
        problems = processor.details_problems(order, details)
        if problems:
            flag_order(order, "PayPal checkout does not match: " + "; ".join(problems), processor=processor.name)
            return self.error_page(
                request, f"PayPal's checkout does not match order {order.number}; we will look into it.", 409
            )
        context = {"order": order, "lines": list(order.lines.all()), "details": details, "token": token}
        return render(request, self.template_name, context)


class PayPalConfirmView(PayPalViewMixin, View):
    """POST "Place order": ``DoExpressCheckoutPayment`` for our order's amounts, then the order page."""

    http_method_names = ["post"]

    def post(self, request):
        """Take the payment once; a repeated POST finds it already done."""
        processor = self.processor
        token = request.POST.get("token", "")
        payer_id = request.POST.get("PayerID", "")
        order, answer = self.unpaid_order(request, token)
        if answer is not None:
            return answer
        try:
            result = processor.client().do_express_checkout_payment(
                token=token,
                payer_id=payer_id,
                payment=processor.payment_request(order),
                notify_url=processor.absolute_url(request, "ipn"),
            )
        except PayPalApiError as exc:
            if exc.already_completed:
                messages.info(request, f"PayPal already took this payment; order {order.number} updates shortly.")
                return HttpResponseRedirect(order.get_absolute_url())
            logger.warning("PayPal DoExpressCheckoutPayment refused for %s: %s", order.number, exc)
            messages.error(request, f"PayPal refused the payment. Your order {order.number} is saved but not paid.")
            return HttpResponseRedirect(order.get_absolute_url())
        except GatewayError as exc:
            logger.warning("PayPal DoExpressCheckoutPayment failed for %s: %s", order.number, exc)
            return self.error_page(request, "PayPal could not be reached; nothing was charged. Please try again.", 502)
        raw = result.raw
        event, _applied = apply_once(
            processor=processor.name,
            key=f"payment:{result.transaction_id}:{result.status}"[:128],
            kind="DoExpressCheckoutPayment",
            body=raw,
            parsed={"token": token, "transaction_id": result.transaction_id, "status": result.status},
            # The order read once more, locked, in the transaction that records the payment.
            order=lambda: Order.objects.select_for_update().get(pk=order.pk),
            apply=lambda event: processor.record_payment(
                event.order,
                transaction_id=result.transaction_id,
                status=result.status,
                amount=result.amount,
                currency=result.currency,
                raw=raw,
                locked=True,
            ),
            remote_addr=remote_addr(request),
        )
        if event.outcome == EventOutcome.FLAGGED:
            messages.error(request, f"PayPal's payment does not match order {order.number}; we will look into it.")
        elif result.completed:
            messages.success(request, f"Thank you! PayPal accepted your payment for order {order.number}.")
        else:
            messages.info(request, f"PayPal is processing your payment for order {order.number} ({result.status}).")
        return HttpResponseRedirect(order.get_absolute_url())


class PayPalCancelView(PayPalViewMixin, View):
    """``CANCELURL``: the shopper cancelled on PayPal; back to the cart, the order stays unpaid."""

    http_method_names = ["get"]

    def get(self, request):
        """Say clearly that nothing was paid."""
        order = self.viewable_order(request, request.GET.get("token", ""))
        if order is not None:
            PaymentEvent.objects.create(
                processor=self.processor.name,
                kind="cancel",
                order=order,
                body=request.META.get("QUERY_STRING", "")[:2000],
                outcome=EventOutcome.IGNORED,
                message="The shopper cancelled the payment on PayPal; the order stays unpaid.",
                remote_addr=remote_addr(request),
            )
            messages.warning(
                request,
                f"You cancelled the payment at PayPal. Your order {order.number} is saved but not paid.",
            )
        else:
            messages.warning(request, "You cancelled the payment at PayPal; nothing was paid.")
        return redirect("cart:detail")


@method_decorator(csrf_exempt, name="dispatch")
class PayPalIpnView(PayPalViewMixin, View):
    """``NOTIFYURL``: PayPal's Instant Payment Notification.

    CSRF-exempt because it is a machine callback; it is authenticated by posting it back to
    PayPal (``cmd=_notify-validate``) before anything in it is believed, and applied once
    per ``txn_id`` and payment status.
    """

    http_method_names = ["post"]

    def reject(self, request, message, status, **kwargs):
        """Log a refused IPN and answer ``status``."""
        log_rejected(self.processor.name, "ipn", request.body, message, remote_addr=remote_addr(request), **kwargs)
        return HttpResponse(message, status=status, content_type="text/plain")

    def post(self, request):
        """Verify, check against our order, apply once."""
        processor = self.processor
        raw = request.body
        if len(raw) > MAX_NVP_BYTES:
            return self.reject(request, "The IPN is too large.", 400)
        try:
            params, text = decode_ipn(raw)
        except PayPalMalformed as exc:
            return self.reject(request, f"Malformed IPN: {exc}", 400)
        try:
            verified = processor.verify_ipn(raw)
        except GatewayError as exc:
            logger.warning("PayPal IPN post-back failed: %s", exc)
            return HttpResponse("Could not verify the IPN now; please retry.", status=503, content_type="text/plain")
        if not verified:
            return self.reject(request, "PayPal did not verify this IPN (INVALID).", 403)
        ipn = Ipn.from_params(params)
        if not ipn.txn_id:
            return self.reject(request, "The IPN has no txn_id.", 400, authenticated=True)
        order = Order.objects.filter(number=ipn.invoice).first() if ipn.invoice else None
        if order is None:
            return self.reject(request, f"The IPN names no order of ours ({ipn.invoice!r}).", 400, authenticated=True)
        try:
            apply_once(
                processor=processor.name,
                key=f"ipn:{ipn.txn_id}:{ipn.payment_status}"[:128],
                kind=f"ipn-{ipn.txn_type or 'message'}"[:80],
                body=text,
                parsed=params,
                order=order,
                apply=lambda event: self.apply(order, ipn, text),
                remote_addr=remote_addr(request),
            )
        except OperationalError as exc:
            # A busy database is transient: 503 makes PayPal resend the IPN later.
            logger.warning("PayPal IPN %s not applied now (database busy): %s", ipn.txn_id, exc)
            return HttpResponse("Busy; please resend.", status=503, content_type="text/plain")
        return HttpResponse("", content_type="text/plain")

    def apply(self, order, ipn, raw):
        """What an IPN does to the order: receiver checked, then by ``payment_status``.

        ``raw`` is the IPN's text, decoded in its own charset."""
        processor = self.processor
        receiver = processor.setting("RECEIVER_EMAIL")
        if receiver and ipn.receiver_email.casefold() != receiver.casefold():
            note = f"PayPal IPN {ipn.txn_id} paid {ipn.receiver_email!r}, not our account."
            flag_order(order, note, processor=processor.name)
            return EventOutcome.FLAGGED, note
        if ipn.payment_status in {"Completed", "Pending"}:
            return processor.record_payment(
                order,
                transaction_id=ipn.txn_id,
                status=ipn.payment_status,
                amount=ipn.gross,
                currency=ipn.currency,
                raw=raw,
            )
        if ipn.payment_status == "Refunded":
            return self.record_refund(order, ipn, raw)
        if ipn.payment_status in {"Reversed", "Denied", "Failed"}:
            note = f"PayPal IPN {ipn.txn_id}: payment {ipn.payment_status}."
            flag_order(order, note, processor=processor.name)
            return EventOutcome.FLAGGED, note
        return EventOutcome.IGNORED, f"Payment status {ipn.payment_status!r} needs no action."

    def record_refund(self, order, ipn, raw):
        """A refund made at PayPal (or by our RefundTransaction): recorded once per refund txn_id."""
        try:
            amount = abs(to_money(ipn.gross))
        except ValueError:
            amount = None
        _txn, created = PaymentTransaction.objects.get_or_create(
            processor=self.processor.name,
            kind=TransactionKind.REFUND,
            remote_id=ipn.txn_id,
            defaults={
                "order": order,
                "reference": f"{order.number}-ipn-{ipn.txn_id}"[:128],
                "status": TransactionStatus.SUCCEEDED,
                "amount": amount,
                "currency": ipn.currency[:3],
                "message": f"Refund of {ipn.parent_txn_id or 'the payment'} reported by IPN.",
                "raw_response": raw,
            },
        )
        if not created:
            return EventOutcome.IGNORED, f"Refund {ipn.txn_id} was already recorded."
        return EventOutcome.APPLIED, f"Refund {ipn.txn_id} of {ipn.gross} {ipn.currency} recorded."


__all__ = ["PayPalCancelView", "PayPalConfirmView", "PayPalIpnView", "PayPalReturnView"]
