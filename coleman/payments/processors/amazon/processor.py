"""The Amazon FPS processor: authorise on Amazon's Co-Branded UI, charge with ``Pay``.

The shopper is redirected to the signed CBUI page (:meth:`AmazonFPS.get_checkout_response`);
Amazon sends them back to ``views.AmazonReturnView``, which has FPS verify Amazon's RSA
signature (``VerifySignature``, :meth:`AmazonFPS.verify_message`), stores the payment token
and, with ``PAY_ON_RETURN``, charges it at once. IPNs arrive at ``/payments/amazon/callback/``
and are verified the same way. ``Pay`` and ``Refund`` go through ``client.FpsClient`` with the
same ``CallerReference`` on every attempt, so FPS never charges or refunds twice; a pending
charge is asked about with ``GetTransactionStatus`` before anything is sent again.
"""

from django.contrib import messages
from django.core import checks
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.statuses import Status

from ...exceptions import GatewayError
from ...models import EventOutcome, PaymentTransaction, TokenKind, TokenStatus, TransactionKind, TransactionStatus
from ...services import move_order, transaction_record
from ..base import PaymentProcessor
from . import instruments
from .client import FpsClient
from .errors import AmazonResponseError, AmazonSignatureError
from .protocol import (
    AMAZON_CERTIFICATE_HOSTS,
    DEFAULT_PAYMENT_METHODS,
    FPS_VERSION,
    FPS_VERSIONS,
    LIVE_CBUI_ENDPOINT,
    LIVE_FPS_ENDPOINT,
    cbui_parameters,
    cbui_url,
)
from .returns import certificate_url_allowed, outbound_signature
from .views import AggregatedReturnView, AggregatedSetupView, AmazonReturnView, handle_ipn

#: What the store makes of FPS's TransactionStatus.
TRANSACTION_STATUS = {
    "Success": TransactionStatus.SUCCEEDED,
    "Pending": TransactionStatus.PENDING,
    "Reserved": TransactionStatus.PENDING,
    "Failure": TransactionStatus.FAILED,
    "Cancelled": TransactionStatus.DECLINED,
}


class AmazonFPS(PaymentProcessor):
    """Amazon Payments (FPS Co-Branded UI): authorise on Amazon's page, charge with ``Pay``."""

    name = "amazon"
    verbose_name = "Amazon Payments"
    settings_prefix = "AMAZON_"
    default_settings = {
        # The merchant's AWS access key and secret key (Signature Version 2). Empty: set them
        # (system check E140).
        "ACCESS_KEY": "",
        "SECRET_KEY": "",
        # The CBUI start page the shopper is sent to (may be relative to this site) and the
        # FPS API endpoint (absolute).
        "CBUI_ENDPOINT": LIVE_CBUI_ENDPOINT,
        "FPS_ENDPOINT": LIVE_FPS_ENDPOINT,
        # Charge the token with FPS Pay as soon as the shopper returns; False leaves it for the
        # staff "charge" action (the book charges when the order is fulfilled).
        "PAY_ON_RETURN": True,
        # The FPS API version the store speaks (2008-09-17 or 2010-08-28); answers must come in
        # its namespace.
        "FPS_VERSION": FPS_VERSION,
        # The CBUI's paymentMethod (signed with the rest): ABT (Amazon Payments balance), ACH
        # (bank account), CC (credit card), comma-separated; the book's default is all three.
        "PAYMENT_METHODS": DEFAULT_PAYMENT_METHODS,
        # Hosts whose https certificateUrl may sign returns and IPNs (besides the hosts of the
        # FPS endpoint and CBUI page the store uses; FPS answers VerifySignature).
        "CERTIFICATE_HOSTS": AMAZON_CERTIFICATE_HOSTS,
        # FPS aggregated payments (book, ch. 9): customers may buy a prepaid balance or open a
        # postpaid credit on their account page; a small order of digital goods (at most
        # SMALL_PURCHASE_LIMIT, digital products only) is then paid from it without a trip to Amazon.
        "AGGREGATED_PAYMENTS": True,
        "PREPAID_AMOUNTS": ("10.00", "25.00", "50.00"),
        "CREDIT_LIMIT": "25.00",
        "GLOBAL_AMOUNT_LIMIT": "10.00",
        "SMALL_PURCHASE_LIMIT": "10.00",
    }
    endpoint_settings = ("CBUI_ENDPOINT", "FPS_ENDPOINT")
    page_endpoint_settings = ("CBUI_ENDPOINT",)

    # --- configuration -----------------------------------------------------------------

    def check(self):
        """Report missing keys, an FPS version the store cannot speak, unknown payment methods."""
        errors = []
        if not self.setting("ACCESS_KEY") or not self.setting("SECRET_KEY"):
            errors.append(
                checks.Error("COLEMAN_AMAZON_ACCESS_KEY and COLEMAN_AMAZON_SECRET_KEY must be set.", id="coleman.E140")
            )
        if self.setting("FPS_VERSION") not in FPS_VERSIONS:
            errors.append(
                checks.Error(f"COLEMAN_AMAZON_FPS_VERSION must be one of {', '.join(FPS_VERSIONS)}.", id="coleman.E141")
            )
        methods = str(self.setting("PAYMENT_METHODS")).split(",")
        if not methods or not set(methods) <= {"ABT", "ACH", "CC"}:
            errors.append(
                checks.Error("COLEMAN_AMAZON_PAYMENT_METHODS lists ABT, ACH or CC, comma-separated.", id="coleman.E142")
            )
        return errors

    def cbui_endpoint(self, request):
        """The CBUI start page, made absolute against ``request`` when configured as a path."""
        return self.resolve_url(request, self.setting("CBUI_ENDPOINT"))

    def fps_client(self):
        """A client for the FPS API over an idempotent session (same CallerReference on a re-send)."""
        return FpsClient(
            self.http_session(idempotent=True),
            endpoint=self.setting("FPS_ENDPOINT"),
            access_key=self.setting("ACCESS_KEY"),
            secret_key=self.setting("SECRET_KEY"),
            version=self.setting("FPS_VERSION"),
        )

    def verify_message(self, request, url_endpoint, http_parameters, params):
        """Make sure Amazon signed ``params`` (a return to, or IPN at, ``url_endpoint``).

        The certificateUrl must be https on an Amazon host (``CERTIFICATE_HOSTS``) or on the FPS
        endpoint or CBUI page the store uses; FPS then checks the signature
        (``VerifySignature`` with the message as received). Raises
        :class:`AmazonSignatureError` when it is not Amazon's, ``GatewayError`` when FPS cannot
        be asked now.
        """
        signature = outbound_signature(params)
        allowed = self.setting("CERTIFICATE_HOSTS")
        services = (self.setting("FPS_ENDPOINT"), self.cbui_endpoint(request))
        if not certificate_url_allowed(signature.certificate_url, allowed, *services):
            raise AmazonSignatureError("The certificateUrl is not on an Amazon host.")
        try:
            verified = self.fps_client().verify_signature(url_endpoint=url_endpoint, http_parameters=http_parameters)
        except AmazonResponseError as exc:
            raise AmazonSignatureError(f"FPS could not verify the signature ({exc.code}).") from exc
        if not verified:
            raise AmazonSignatureError("FPS says the signature is not Amazon's.")

    def handle_callback(self, request):
        """An Instant Payment Notification (``/payments/amazon/callback/``): verify, then apply once."""
        return handle_ipn(self, request)

    def get_urls(self):
        """``return/``: back from a payment; ``prepaid/``, ``postpaid/``: start an aggregated
        payments instrument; ``aggregated/return/``: back from setting one up."""
        return [
            path("return/", AmazonReturnView.as_view(processor=self), name="return"),
            path("prepaid/", AggregatedSetupView.as_view(processor=self, kind=TokenKind.PREPAID), name="prepaid"),
            path("postpaid/", AggregatedSetupView.as_view(processor=self, kind=TokenKind.POSTPAID), name="postpaid"),
            path("aggregated/return/", AggregatedReturnView.as_view(processor=self), name="aggregated-return"),
        ]

    # --- checkout ----------------------------------------------------------------------

    def pay_reference(self, order):
        """The CallerReference of the order's Pay request (the same on every retry)."""
        return f"{order.number}-pay"

    def cbui_request_url(self, request, order):
        """The signed CBUI URL for ``order`` (callerReference = the order number)."""
        params = cbui_parameters(
            access_key=self.setting("ACCESS_KEY"),
            caller_reference=order.number,
            amount=order.total,
            reason=f"Purchase from {coleman_settings.STORE_NAME}, order {order.number}",
            return_url=self.absolute_url(request, "return"),
            currency=order.currency,
            payment_methods=self.setting("PAYMENT_METHODS"),
        )
        return cbui_url(self.cbui_endpoint(request), params, self.setting("SECRET_KEY"))

    def get_checkout_response(self, request, order):
        """Pay a small digital order from the customer's prepaid balance or postpaid credit, or
        send the shopper to Amazon's Co-Branded UI to authorise the order's total."""
        try:
            paid = instruments.pay_with_instrument(self, order)
        except GatewayError:
            paid = None  # FPS unreachable: the Co-Branded UI below still works
        if paid is not None:
            if paid.status == TokenStatus.SUCCESS:
                messages.success(
                    request, _("Paid from your Amazon %(kind)s.") % {"kind": paid.setup.get_kind_display().lower()}
                )
            else:
                messages.info(request, _("Amazon is completing your payment; your order is saved."))
            return HttpResponseRedirect(order.get_absolute_url())
        return HttpResponseRedirect(self.cbui_request_url(request, order))

    # --- the return ----------------------------------------------------------------------

    def record_authorization(self, order, result, raw, *, locked=False):
        """Store the token and status Amazon returned; an authorisation moves the order to NEW_CHKOUT.

        ``locked``: the order was read ``select_for_update`` in this transaction (see
        :func:`~coleman.payments.services.transaction_record`)."""
        txn = transaction_record(
            self.name, order, TransactionKind.AUTHORIZE, locked=locked, amount=order.total, currency=order.currency
        )
        if txn.status == TransactionStatus.SUCCEEDED and not result.succeeded:
            return (
                EventOutcome.IGNORED,
                "The order already has an authorisation; a later decline changes nothing.",
            )
        txn.token = result.token_id
        txn.status = TransactionStatus.SUCCEEDED if result.succeeded else TransactionStatus.DECLINED
        txn.message = f"CBUI status {result.status}: {result.message}"
        txn.raw_response = raw
        txn.save()
        if not result.succeeded:
            return EventOutcome.APPLIED, f"Amazon did not authorise the payment (status {result.status})."
        move_order(
            order,
            Status.NEW_CHKOUT,
            processor=self.name,
            note=f"Amazon authorised the payment ({result.status}).",
            locked=locked,
        )
        return EventOutcome.APPLIED, f"Amazon authorised the payment (status {result.status})."

    # --- the pipeline ----------------------------------------------------------------------

    def send(self, txn, request):
        """``request(fps_client)`` for ``txn``, with FPS's refusal or silence recorded on it.

        FPS's error codes decide (:mod:`.errors`): a decline marks ``txn`` declined, a
        temporary error leaves it pending (the same CallerReference may be sent again), any
        other error marks it failed; each raises ``GatewayError``. When FPS cannot be reached
        ``txn`` stays pending and the error says the same request can safely be sent again.
        """
        what = {TransactionKind.CHARGE: "payment", TransactionKind.REFUND: "refund"}.get(txn.kind, "request")
        try:
            return request(self.fps_client())
        except AmazonResponseError as exc:
            if exc.is_decline:
                txn.status = TransactionStatus.DECLINED
            elif not exc.is_retryable:
                txn.status = TransactionStatus.FAILED
            txn.message = f"{exc.code}: {exc.message}"
            txn.request_id = exc.request_id[:64]
            txn.save(update_fields=["status", "message", "request_id", "updated_at"])
            retry = " It can be retried safely." if exc.is_retryable else ""
            raise GatewayError(f"Amazon refused the {what}: {exc.message}{retry}") from exc
        except GatewayError as exc:
            txn.message = f"Not done yet: {exc}"
            txn.save(update_fields=["message", "updated_at"])
            raise GatewayError(f"Amazon could not be reached; the {what} can be retried safely.") from exc

    def record_result(self, txn, result, action):
        """Store FPS's answer (TransactionId, status, request id, the document) on ``txn``."""
        txn.remote_id = result.transaction_id
        txn.request_id = result.request_id[:64]
        txn.status = TRANSACTION_STATUS.get(result.status, TransactionStatus.FAILED)
        if result.raw:
            txn.raw_response = result.raw
        txn.message = f"FPS {action} {result.status}"
        txn.save()
        return txn

    def charge(self, order, amount=None):
        """Charge the authorised token with FPS ``Pay``; safe to call again (same CallerReference).

        The amount of the first attempt is stored and re-sent on every retry, so FPS treats a
        retry as the same request. A charge FPS left Pending or Reserved is asked about with
        ``GetTransactionStatus`` instead. A completed charge moves the order to PAID.
        """
        auth = PaymentTransaction.objects.filter(
            processor=self.name,
            kind=TransactionKind.AUTHORIZE,
            reference=order.number,
            status=TransactionStatus.SUCCEEDED,
        ).first()
        if auth is None or not auth.token:
            raise GatewayError("Amazon has not authorised a payment for this order.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.CHARGE,
            reference=self.pay_reference(order),
            defaults={
                "order": order,
                "amount": to_money(order.total if amount is None else amount),
                "currency": order.currency,
            },
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        if txn.status == TransactionStatus.PENDING and txn.remote_id:
            result = self.send(txn, lambda client: client.get_transaction_status(txn.remote_id))
            self.record_result(txn, result, "GetTransactionStatus")
        else:
            result = self.send(
                txn,
                lambda client: client.pay(
                    sender_token_id=auth.token,
                    amount=txn.amount,
                    caller_reference=txn.reference,
                    currency=txn.currency,
                ),
            )
            self.record_result(txn, result, "Pay")
        if result.failed:
            raise GatewayError(f"Amazon answered the payment with status {result.status}.")
        if txn.status == TransactionStatus.SUCCEEDED:
            move_order(
                order, Status.PAID, processor=self.name, note=f"Amazon FPS Pay {result.transaction_id} succeeded."
            )
        return txn

    def refund(self, order, amount=None, reason=""):
        """Refund the order's completed charge with FPS ``Refund`` (full by default); safe to repeat."""
        charge = PaymentTransaction.objects.filter(
            processor=self.name, kind=TransactionKind.CHARGE, order=order, status=TransactionStatus.SUCCEEDED
        ).first()
        if charge is None or not charge.remote_id:
            raise GatewayError("This order has no completed Amazon payment to refund.")
        refund_amount = to_money(charge.amount if amount is None else amount)
        if not 0 < refund_amount <= charge.amount:
            raise GatewayError(f"A refund must be more than 0 and at most {charge.amount}.")
        txn, _ = PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.REFUND,
            reference=f"{order.number}-refund",
            defaults={
                "order": order,
                "amount": refund_amount,
                "currency": charge.currency,
                "message": reason,
            },
        )
        if txn.status == TransactionStatus.SUCCEEDED:
            return txn
        result = self.send(
            txn,
            lambda client: client.refund(
                transaction_id=charge.remote_id,
                amount=txn.amount,
                caller_reference=txn.reference,
                currency=txn.currency,
            ),
        )
        self.record_result(txn, result, "Refund")
        if result.failed:
            raise GatewayError(f"Amazon answered the refund with status {result.status}.")
        return txn


__all__ = ["AmazonFPS"]
