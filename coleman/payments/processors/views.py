"""Views any processor may mount: the shopper's return page and the generic callback.

A processor's own inbound views live in its package (``processors/<gateway>/views.py``); these
are the shared ones, kept apart from the checkout (``coleman.payments.views``) so a processor
never imports the module that imports the processor registry.
"""

import ipaddress

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.throttling import client_ip
from coleman.orders.access import can_view
from coleman.orders.models import Order
from coleman.orders.statuses import PAID_OR_LATER, Status

from ..models import PaymentTransaction, TransactionKind, TransactionStatus


def remote_addr(request):
    """The caller's address for the payment-event log (``core.throttling.client_ip``), or None.

    The log stores it in an IP address column: anything that is not an address (a forged
    ``X-Forwarded-For`` entry behind a proxy, no ``REMOTE_ADDR``) is stored as unknown.
    """
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address)) if "%" not in address else None
    except ValueError:
        return None


def payment_status_message(order, processor_name):
    """``(level, text)`` telling the shopper where the payment of ``order`` stands."""
    order.refresh_from_db(fields=["status"])
    if order.status_id in PAID_OR_LATER:
        return messages.SUCCESS, f"Thank you! Your payment for order {order.number} was received."
    declined = PaymentTransaction.objects.filter(
        order=order,
        processor=processor_name,
        kind=TransactionKind.AUTHORIZE,
        status=TransactionStatus.DECLINED,
    ).exists()
    if declined:
        return (
            messages.ERROR,
            f"Your payment was declined. Order {order.number} has not been paid; "
            "you can try again or choose another payment method.",
        )
    if order.status_id == Status.CANCELLED:
        return messages.WARNING, f"Order {order.number} was cancelled."
    if order.status_id == Status.EXCEPTION:
        return messages.WARNING, f"We are checking the payment for order {order.number}; we will email you."
    return messages.INFO, f"Order {order.number} is waiting for the payment service to confirm your payment."


class ProcessorReturnView(View):
    """Where a payment service sends the shopper back: say how the payment went, show the order.

    Only the shopper who placed the order (or whose session did) gets anything but a 404.
    """

    processor = None

    def get(self, request, number):
        """Queue the payment's status for the shopper and redirect to the order page."""
        order = get_object_or_404(Order, number=number)
        if not can_view(request, order):
            raise Http404("No such order.")
        messages.add_message(request, *payment_status_message(order, self.processor.name))
        return HttpResponseRedirect(order.get_absolute_url())


@method_decorator(csrf_exempt, name="dispatch")
class CallbackView(View):
    """``/payments/<processor>/callback/``: hands the request to ``processor.handle_callback``.

    CSRF-exempt because services, not browsers, call it; the processor authenticates the
    message the way its service defines (the default answers 404).
    """

    processor = None

    def dispatch(self, request, *args, **kwargs):
        return self.processor.handle_callback(request)


__all__ = ["CallbackView", "ProcessorReturnView", "payment_status_message", "remote_addr"]
