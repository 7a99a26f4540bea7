"""The PayPal Express Checkout processor: approve on PayPal, confirm here ("Place order"), IPN confirms.

The hand-off calls ``SetExpressCheckout`` and redirects to PayPal's approval page; PayPal
sends the shopper back to ``views.PayPalReturnView`` (checked against our order), "Place order"
(``views.PayPalConfirmView``) calls ``DoExpressCheckoutPayment``, and the IPN
(``views.PayPalIpnView``, verified by post-back) confirms it. Calls go through
``client.NvpClient``.
"""

import logging

from django.contrib import messages
from django.core import checks
from django.http import HttpResponseRedirect
from django.urls import path

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.statuses import Status

from ...amounts import amounts_match
from ...exceptions import GatewayError, NotSupported
from ...models import EventOutcome, PaymentTransaction, TransactionKind, TransactionStatus
from ...services import flag_order, move_order, record_checkout, transaction_record
from ..base import PaymentProcessor
from .client import NvpClient, verify_ipn
from .protocol import (
    LIVE_APPROVAL_URL,
    LIVE_IPN_POSTBACK_URL,
    LIVE_NVP_ENDPOINT,
    PaymentLine,
    PaymentRequest,
    approval_url,
    encode_nvp,
)
from .views import PayPalCancelView, PayPalConfirmView, PayPalIpnView, PayPalReturnView

logger = logging.getLogger("coleman.payments.processors.paypal")


def payment_request_for(order):
    """The :class:`PaymentRequest` of ``order``: its lines, amounts and number as sold.

    Discounts are negative lines (PayPal's way), so the items add up to the discounted
    ``ITEMAMT``; sales tax added to the order is ``TAXAMT`` (VAT included in prices is not).
    """
    lines = [
        PaymentLine(name=line.name, number=line.sku or "", quantity=line.quantity, unit_price=line.unit_price)
        for line in order.lines.all()
    ]
    if order.discount:
        lines += [
            PaymentLine(name=adjustment.reason, number=adjustment.code, quantity=1, unit_price=-adjustment.amount)
            for adjustment in order.adjustments.all()
        ]
    return PaymentRequest(
        invoice=order.number,
        currency=order.currency,
        item_amount=order.subtotal - order.discount,
        shipping_amount=order.shipping,
        tax_amount=order.tax_added if order.tax_added else None,
        total=order.total,
        lines=lines,
        description=f"{coleman_settings.STORE_NAME} order {order.number}",
    )


class PayPalExpressCheckout(PaymentProcessor):
    """PayPal Express Checkout: approve on PayPal, confirm here ("Place order"), IPN confirms."""

    name = "paypal"
    verbose_name = "PayPal"
    settings_prefix = "PAYPAL_"
    default_settings = {
        # NVP API credentials (API user name, password and signature) and the PayPal account
        # that must receive the money (checked on every IPN). Empty: set them (check E150).
        "API_USER": "",
        "API_PASSWORD": "",
        "API_SIGNATURE": "",
        "RECEIVER_EMAIL": "",
        # The NVP API endpoint, the approval page the shopper is sent to (may be relative to
        # this site) and the IPN post-back URL.
        "NVP_ENDPOINT": LIVE_NVP_ENDPOINT,
        "APPROVAL_URL": LIVE_APPROVAL_URL,
        "IPN_POSTBACK_URL": LIVE_IPN_POSTBACK_URL,
    }
    endpoint_settings = ("NVP_ENDPOINT", "APPROVAL_URL", "IPN_POSTBACK_URL")
    page_endpoint_settings = ("APPROVAL_URL",)

    # --- configuration -----------------------------------------------------------------

    def check(self):
        """Report missing API credentials or receiver account."""
        if not all(self.setting(name) for name in ("API_USER", "API_PASSWORD", "API_SIGNATURE", "RECEIVER_EMAIL")):
            return [
                checks.Error(
                    "COLEMAN_PAYPAL_API_USER, _API_PASSWORD, _API_SIGNATURE and _RECEIVER_EMAIL must be set.",
                    id="coleman.E150",
                )
            ]
        return []

    def client(self):
        """An NVP client (its calls are not re-sent once they may have arrived)."""
        return NvpClient(
            self.http_session(),
            endpoint=self.setting("NVP_ENDPOINT"),
            user=self.setting("API_USER"),
            password=self.setting("API_PASSWORD"),
            signature=self.setting("API_SIGNATURE"),
        )

    def verify_ipn(self, raw_body):
        """Post ``raw_body`` back to PayPal; True when PayPal says VERIFIED (a question: safe to re-send)."""
        return verify_ipn(self.http_session(idempotent=True), raw_body, postback_url=self.setting("IPN_POSTBACK_URL"))

    def payment_request(self, order):
        """The :class:`PaymentRequest` of ``order`` (see :func:`payment_request_for`)."""
        return payment_request_for(order)

    def approval_page(self, request):
        """PayPal's approval page, made absolute against ``request`` when configured as a path."""
        return self.resolve_url(request, self.setting("APPROVAL_URL"))

    def get_urls(self):
        """Return, confirm ("Place order"), cancel and IPN endpoints under ``/payments/paypal/``."""
        return [
            path("return/", PayPalReturnView.as_view(processor=self), name="return"),
            path("confirm/", PayPalConfirmView.as_view(processor=self), name="confirm"),
            path("cancel/", PayPalCancelView.as_view(processor=self), name="cancel"),
            path("ipn/", PayPalIpnView.as_view(processor=self), name="ipn"),
        ]

    # --- checkout ----------------------------------------------------------------------

    def get_checkout_response(self, request, order):
        """``SetExpressCheckout`` for the saved order, then redirect to the approval page."""
        try:
            token = self.client().set_express_checkout(
                payment_request_for(order),
                return_url=self.absolute_url(request, "return"),
                cancel_url=self.absolute_url(request, "cancel"),
                notify_url=self.absolute_url(request, "ipn"),
            )
        except GatewayError as exc:
            logger.warning("PayPal SetExpressCheckout failed for order %s: %s", order.number, exc)
            messages.error(
                request,
                f"PayPal is not available right now. Your order {order.number} is saved but not paid; "
                "please try again in a moment.",
                fail_silently=True,
            )
            return HttpResponseRedirect(order.get_absolute_url())
        record_checkout(order, self.name, token=token, refresh=True)
        return HttpResponseRedirect(approval_url(self.approval_page(request), token))

    def order_for_token(self, token):
        """The order whose checkout carries PayPal ``token``, or None."""
        if not token or len(token) > 255:
            return None
        txn = (
            PaymentTransaction.objects.filter(processor=self.name, kind=TransactionKind.CHECKOUT, token=token)
            .select_related("order")
            .first()
        )
        return txn.order if txn else None

    def is_paid(self, order):
        """True when a PayPal payment for ``order`` has completed."""
        return PaymentTransaction.objects.filter(
            processor=self.name, kind=TransactionKind.CHARGE, order=order, status=TransactionStatus.SUCCEEDED
        ).exists()

    def details_problems(self, order, details):
        """Why PayPal's view of the checkout does not match our order (empty when it matches)."""
        problems = []
        if details.invoice != order.number:
            problems.append(f"invoice {details.invoice!r} is not {order.number}")
        if not amounts_match(order.total, details.amount):
            problems.append(f"amount {details.amount!r} is not {order.total}")
        if details.currency != order.currency:
            problems.append(f"currency {details.currency!r} is not {order.currency}")
        return problems

    def record_payment(self, order, *, transaction_id, status, amount, currency, raw, locked=False):
        """Store a completed (or pending) payment once per order; a completed one moves the order to PAID.

        Returns ``(outcome, message)`` for the event log. An amount or currency that differs
        from the order flags the order EXCEPTION instead. ``locked``: the order was read
        ``select_for_update`` in this transaction (see :func:`~coleman.payments.services.transaction_record`).
        """
        problems = []
        if not amounts_match(order.total, amount):
            problems.append(f"amount {amount!r} is not {order.total}")
        if currency != order.currency:
            problems.append(f"currency {currency!r} is not {order.currency}")
        txn = transaction_record(self.name, order, locked=locked, currency=currency[:3])
        if txn.status == TransactionStatus.SUCCEEDED and txn.remote_id == transaction_id:
            return EventOutcome.IGNORED, "The payment was already recorded."
        txn.remote_id = transaction_id
        try:
            txn.amount = to_money(amount)
        except ValueError:
            txn.amount = None
        txn.raw_response = raw
        if problems:
            txn.status = TransactionStatus.FAILED
            txn.message = "Does not match the order: " + "; ".join(problems)
            txn.save()
            flag_order(
                order, f"PayPal payment {transaction_id}: " + "; ".join(problems), processor=self.name, locked=locked
            )
            return EventOutcome.FLAGGED, txn.message
        completed = status == "Completed"
        txn.status = TransactionStatus.SUCCEEDED if completed else TransactionStatus.PENDING
        txn.message = f"PayPal payment status {status}"
        txn.save()
        if completed:
            move_order(
                order,
                Status.PAID,
                processor=self.name,
                note=f"PayPal payment {transaction_id} completed.",
                locked=locked,
            )
            return EventOutcome.APPLIED, f"Payment {transaction_id} completed."
        return EventOutcome.APPLIED, f"Payment {transaction_id} is {status}."

    # --- the pipeline ----------------------------------------------------------------------

    def refund(self, order, amount=None, reason=""):
        """Refund the order's completed PayPal payment in full (``RefundTransaction``), once."""
        charge = PaymentTransaction.objects.filter(
            processor=self.name, kind=TransactionKind.CHARGE, order=order, status=TransactionStatus.SUCCEEDED
        ).first()
        if charge is None or not charge.remote_id:
            raise GatewayError("This order has no completed PayPal payment to refund.")
        if amount is not None and to_money(amount) != charge.amount:
            raise NotSupported("PayPal refunds from the store are full refunds only.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.REFUND,
            reference=order.number,
            defaults={
                "order": order,
                "amount": charge.amount,
                "currency": charge.currency,
                "message": reason,
            },
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        try:
            response = self.client().refund_transaction(charge.remote_id)
        except GatewayError as exc:
            txn.status = TransactionStatus.FAILED
            txn.message = str(exc)
            txn.save(update_fields=["status", "message", "updated_at"])
            raise GatewayError(f"PayPal refused the refund: {exc}") from exc
        txn.remote_id = response.get("REFUNDTRANSACTIONID", "")
        txn.status = TransactionStatus.SUCCEEDED
        txn.raw_response = encode_nvp(response)
        txn.save()
        return txn


__all__ = ["PayPalExpressCheckout", "payment_request_for"]
