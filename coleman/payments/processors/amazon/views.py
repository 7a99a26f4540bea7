"""Amazon FPS's inbound HTTP: the shopper's return from the Co-Branded UI, and IPNs.

Both are signed by Amazon (RSA-SHA1, certificateUrl) and verified by the processor through
FPS ``VerifySignature`` before anything is read or stored.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from coleman.orders.models import Order
from coleman.orders.statuses import Status

from ...exceptions import GatewayError, MessageRejected, PaymentError
from ...models import (
    EventOutcome,
    PaymentTransaction,
    TokenAction,
    TokenKind,
    TokenReference,
    TokenStatus,
    TransactionKind,
    TransactionStatus,
)
from ...services import apply_once, log_rejected, move_order
from ..views import remote_addr
from . import instruments
from .aggregated import parse_aggregated_return
from .errors import AmazonSignatureError
from .returns import parse_cbui_return, parse_ipn

#: IPN bodies are small form posts.
MAX_IPN_BYTES = 16 * 1024


class AmazonReturnView(View):
    """Where Amazon sends the shopper back: verify the signature, store the token, charge, report."""

    processor = None
    http_method_names = ["get"]
    error_template_name = "payments/amazon/return_error.html"

    def refuse(self, request, message, status, *, order=None, authenticated=False):
        """Log the refused return and answer a 4xx page."""
        log_rejected(
            self.processor.name,
            "cbui-return",
            request.META.get("QUERY_STRING", ""),
            message,
            remote_addr=remote_addr(request),
            order=order,
            authenticated=authenticated,
        )
        return render(request, self.error_template_name, {"error": message}, status=status)

    def get(self, request):
        """Handle one return from the Co-Branded UI."""
        processor = self.processor
        raw = request.META.get("QUERY_STRING", "")
        params = request.GET.dict()
        try:
            processor.verify_message(request, processor.absolute_url(request, "return"), raw, params)
            result = parse_cbui_return(params)
        except AmazonSignatureError as exc:
            return self.refuse(request, f"This payment return could not be verified: {exc}", 403)
        except GatewayError:
            message = "We could not confirm this payment with Amazon just now. Please reload this page in a minute."
            return render(request, self.error_template_name, {"error": message}, status=503)
        order = Order.objects.filter(number=result.caller_reference).first()
        if order is None:
            return self.refuse(request, "This payment return names no order of ours.", 400, authenticated=True)
        digest = hashlib.sha256(f"{result.status}|{result.token_id}".encode()).hexdigest()[:40]
        apply_once(
            processor=processor.name,
            key=f"return:{order.number}:{digest}",
            kind="cbui-return",
            body=raw,
            parsed={
                "status": result.status,
                "callerReference": result.caller_reference,
                "tokenID": result.token_id,
            },
            # The order read once more, locked, in the transaction that records the authorisation.
            order=lambda: Order.objects.select_for_update().get(pk=order.pk),
            apply=lambda event: processor.record_authorization(event.order, result, raw, locked=True),
            remote_addr=remote_addr(request),
        )
        if not result.succeeded:
            messages.error(request, f"{result.message} Your order {order.number} is saved but not paid.")
        elif processor.setting("PAY_ON_RETURN"):
            try:
                processor.charge(order)
            except PaymentError as exc:
                messages.warning(
                    request,
                    f"Amazon authorised your payment for order {order.number}, but we could not "
                    f"charge it yet ({exc}). We will try again; you do not need to pay twice.",
                )
            else:
                messages.success(request, f"Thank you! Amazon accepted your payment for order {order.number}.")
        else:
            messages.success(
                request,
                f"Thank you! Amazon authorised your payment for order {order.number}; "
                "it is charged when your order ships.",
            )
        return HttpResponseRedirect(order.get_absolute_url())


class AggregatedSetupView(LoginRequiredMixin, View):
    """POST from the account page: save a prepaid or postpaid setup, send the shopper to Amazon."""

    processor = None
    kind = None
    http_method_names = ["post"]

    def post(self, request):
        """Redirect to the signed CBUI ``SetupPrepaid``/``SetupPostpaid`` page, or back with a message."""
        try:
            url = instruments.start_setup(self.processor, request, request.user, self.kind, request.POST.get("amount"))
        except (ValueError, ArithmeticError):
            messages.error(request, _("Choose one of the prepaid amounts offered."))
            return HttpResponseRedirect(reverse("customers:profile"))
        return HttpResponseRedirect(url)


class AggregatedReturnView(View):
    """Back from setting up a prepaid balance or postpaid credit: verify, store, fund, show the account."""

    processor = None
    http_method_names = ["get"]
    error_template_name = "payments/amazon/return_error.html"

    def get(self, request):
        """Handle one return from ``SetupPrepaid`` or ``SetupPostpaid``."""
        processor = self.processor
        raw, params = request.META.get("QUERY_STRING", ""), request.GET.dict()
        try:
            processor.verify_message(request, processor.absolute_url(request, "aggregated-return"), raw, params)
            result = parse_aggregated_return(params)
        except AmazonSignatureError as exc:
            log_rejected(processor.name, "cbui-setup-return", raw, str(exc), remote_addr=remote_addr(request))
            context = {"error": _("This return from Amazon could not be verified.")}
            return render(request, self.error_template_name, context, status=403)
        except GatewayError:
            context = {
                "error": _("We could not confirm this with Amazon just now. Please reload this page in a minute.")
            }
            return render(request, self.error_template_name, context, status=503)
        found = {}

        def apply(event):
            outcome, message, found["setup"] = instruments.record_setup(processor, result, raw)
            return outcome, message

        apply_once(
            processor=processor.name,
            key=f"setup:{result.reference}:{result.status}"[:128],
            kind="cbui-setup-return",
            body=raw,
            parsed={"status": result.status, "reference": result.reference, "instrument": result.instrument_id},
            order=None,
            apply=apply,
            remote_addr=remote_addr(request),
        )
        setup = (
            found.get("setup")
            or TokenReference.objects.filter(
                processor=processor.name, action=TokenAction.SETUP, caller_reference=result.reference
            ).first()
        )
        if setup is None or setup.status == TokenStatus.DECLINED:
            messages.error(request, _("Amazon did not set up your balance or credit."))
        elif setup.status == TokenStatus.ACTIVE:
            try:
                if setup.kind == TokenKind.PREPAID:
                    instruments.fund(processor, setup)
                instruments.refresh_balance(processor, setup)
            except GatewayError as exc:
                messages.warning(
                    request, _("Amazon set it up, but we could not finish yet: %(error)s") % {"error": exc}
                )
            else:
                messages.success(
                    request, _("Your Amazon %(kind)s is ready.") % {"kind": setup.get_kind_display().lower()}
                )
        return HttpResponseRedirect(reverse("customers:profile"))


def handle_ipn(processor, request):
    """Verify and apply an Instant Payment Notification; answer 200 once it is recorded.

    The IPN is a form POST Amazon signed for the callback URL; FPS verifies it
    (``VerifySignature``) before it is read. Each transaction status is applied once: the
    store's transaction with that CallerReference (a charge or refund of ours) takes the
    status, and a completed charge moves its order to PAID. Refusals answer 4xx (403 for a
    signature that is not Amazon's) and are logged; when FPS cannot be asked, 503 makes
    Amazon send the IPN again.
    """
    body = request.body[:MAX_IPN_BYTES].decode("utf-8", "replace")
    params = request.POST.dict()
    try:
        if request.method != "POST" or len(request.body) > MAX_IPN_BYTES:
            raise MessageRejected("An IPN is a form POST of at most 16 KiB.")
        processor.verify_message(request, processor.absolute_url(request, "callback"), body, params)
        ipn = parse_ipn(params)
    except MessageRejected as exc:
        log_rejected(processor.name, "ipn", body, str(exc), remote_addr=remote_addr(request))
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain")
    except GatewayError:
        return HttpResponse("FPS could not verify the IPN now.", status=503, content_type="text/plain")
    txn = (
        PaymentTransaction.objects.filter(
            processor=processor.name,
            kind__in=[TransactionKind.CHARGE, TransactionKind.REFUND],
            reference=ipn.caller_reference,
        )
        .filter(Q(remote_id="") | Q(remote_id=ipn.transaction_id))
        .select_related("order")
        .first()
    )
    apply_once(
        processor=processor.name,
        key=ipn.idempotency_key,
        kind="ipn",
        body=body,
        parsed={"transactionId": ipn.transaction_id, "status": ipn.status, "callerReference": ipn.caller_reference},
        order=txn.order if txn else None,
        apply=lambda event: apply_ipn(processor, txn, ipn),
        remote_addr=remote_addr(request),
    )
    return HttpResponse("OK", content_type="text/plain")


def apply_ipn(processor, txn, ipn):
    """What an authenticated IPN does: the transaction (and the aggregated payments call with that
    CallerReference) takes FPS's status; a paid charge pays the order."""
    calls = TokenReference.objects.filter(processor=processor.name, caller_reference=ipn.caller_reference)
    touched = calls.exclude(status=TokenStatus.SUCCESS).update(
        status=instruments.CALL_STATUS.get(ipn.status, TokenStatus.FAILURE), transaction_id=ipn.transaction_id
    )
    if txn is None:
        if touched:
            return EventOutcome.APPLIED, f"FPS transaction {ipn.transaction_id} is {ipn.status}."
        return EventOutcome.IGNORED, f"No transaction of ours has CallerReference {ipn.caller_reference}."
    if txn.status == TransactionStatus.SUCCEEDED:
        return EventOutcome.IGNORED, "The transaction already succeeded; a later status changes nothing."
    status = {"Success": "succeeded", "Pending": "pending", "Reserved": "pending", "Failure": "failed"}
    txn.status = status.get(ipn.status, TransactionStatus.DECLINED)
    txn.remote_id = ipn.transaction_id
    txn.message = f"IPN: FPS {ipn.operation or 'transaction'} {ipn.status}"
    txn.save(update_fields=["status", "remote_id", "message", "updated_at"])
    if txn.kind == TransactionKind.CHARGE and txn.status == TransactionStatus.SUCCEEDED:
        move_order(
            txn.order, Status.PAID, processor=processor.name, note=f"Amazon IPN: {ipn.transaction_id} succeeded."
        )
    return EventOutcome.APPLIED, f"FPS transaction {ipn.transaction_id} is {ipn.status}."


__all__ = ["AggregatedReturnView", "AggregatedSetupView", "AmazonReturnView", "apply_ipn", "handle_ipn"]
