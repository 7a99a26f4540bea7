"""Amazon FPS's inbound HTTP: the page Amazon's Co-Branded UI sends the shopper back to."""

import hashlib

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from coleman.orders.models import Order

from ...exceptions import PaymentError
from ...services import apply_once, log_rejected
from ..views import remote_addr
from .protocol import AmazonSignatureError, parse_cbui_return


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
        try:
            result = parse_cbui_return(
                request.GET.dict(),
                secret_key=processor.setting("SECRET_KEY"),
                return_url=processor.absolute_url(request, "return"),
            )
        except AmazonSignatureError as exc:
            return self.refuse(request, f"This payment return could not be verified: {exc}", 403)
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
            order=order,
            apply=lambda event: processor.record_authorization(order, result, raw),
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


__all__ = ["AmazonReturnView"]
