"""Shopper-facing payment pages: check out with a processor, come back from it.

The checkout is the book's ``CheckoutView`` as a class-based view. It extends the orders
app's checkout through its public hook (``order_placed``): the order is saved first
(``make_order_from_cart``), then the chosen processor renders its hand-off.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.orders.access import can_view
from coleman.orders.models import Order
from coleman.orders.views import CheckoutView as OrdersCheckoutView

from .exceptions import PaymentError, ProcessorNotFound
from .models import PaymentTransaction, TransactionKind, TransactionStatus
from .processors import get_processor, get_processors


class CheckoutView(OrdersCheckoutView):
    """The book's ``CheckoutView``: review the cart, give an address, choose how to pay, place the order.

    It is the orders app's checkout (cart, totals, ``CheckoutForm``, one-time token, the
    order saved with ``make_order_from_cart`` before anything else happens) plus the choice
    of payment processor: ``/checkout/`` lists the installed processors as choices,
    ``/checkout/<processor>/`` has one fixed. Once the order is saved the chosen processor
    renders its hand-off (:meth:`PaymentProcessor.get_checkout_response`). A POST that names
    no processor places the order as the orders app does (its page, awaiting payment).
    """

    template_name = "payments/checkout.html"

    def dispatch(self, request, *args, **kwargs):
        self.fixed_processor = None
        self.chosen_processor = None
        if "processor" in kwargs:
            try:
                self.fixed_processor = get_processor(kwargs["processor"])
            except ProcessorNotFound:
                raise Http404("No such payment method.") from None
            if not self.fixed_processor.is_available(request):
                raise Http404("This payment method is not available.")
        return super().dispatch(request, *args, **kwargs)

    def available_processors(self):
        """The processors shoppers may choose now, in setting order."""
        return [processor for processor in get_processors().values() if processor.is_available(self.request)]

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.fixed_processor is None:
            processors = self.available_processors()
            form.fields["processor"] = forms.ChoiceField(
                label="Pay with",
                widget=forms.RadioSelect,
                choices=[(processor.name, processor.verbose_name) for processor in processors],
                initial=processors[0].name if processors else None,
                required=False,
            )
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(processor=self.fixed_processor, processors=self.available_processors())
        return context

    def form_valid(self, form):
        name = form.cleaned_data.get("processor")
        self.chosen_processor = self.fixed_processor or (get_processor(name) if name else None)
        return super().form_valid(form)

    def order_placed(self, order):
        """Hand the saved order to the chosen processor (or show it when none was chosen)."""
        if self.chosen_processor is None:
            return super().order_placed(order)
        return self.hand_off(self.chosen_processor, order)

    def hand_off(self, processor, order):
        """The processor's hand-off; if the service cannot take it, the order page with a message."""
        try:
            return processor.get_checkout_response(self.request, order)
        except PaymentError as exc:
            messages.error(
                self.request,
                f"Your order {order.number} is saved, but {processor.verbose_name} could not take "
                f"the payment right now ({exc}). Please try again later.",
            )
            return HttpResponseRedirect(order.get_absolute_url())

    def already_placed(self, order):
        """A repeated POST: hand off the same unpaid order again, or show it."""
        if not can_view(self.request, order):
            raise Http404("No such checkout.")
        processor = self.fixed_processor
        if processor is None and self.request.POST.get("processor"):
            processor = get_processors().get(self.request.POST["processor"])
        if processor is not None and order.status_id in ("NEW", "NEW_CHKOUT"):
            return self.hand_off(processor, order)
        return super().already_placed(order)


class ProcessorReturnView(View):
    """Where a payment service sends the shopper back: say how the payment went, show the order.

    Only the shopper who placed the order (or whose session did) gets anything but a 404.
    """

    processor = None

    def get(self, request, number):
        order = get_object_or_404(Order, number=number)
        if not can_view(request, order):
            raise Http404("No such order.")
        messages.add_message(request, *payment_status_message(order, self.processor.name))
        return HttpResponseRedirect(order.get_absolute_url())


def payment_status_message(order, processor_name):
    """``(level, text)`` telling the shopper where the payment of ``order`` stands."""
    order.refresh_from_db(fields=["status"])
    if order.status_id in ("PAID", "SHIPPED", "CLOSED"):
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
    if order.status_id == "CANCELLED":
        return messages.WARNING, f"Order {order.number} was cancelled."
    if order.status_id == "EXCEPTION":
        return messages.WARNING, f"We are checking the payment for order {order.number}; we will email you."
    return messages.INFO, f"Order {order.number} is waiting for the payment service to confirm your payment."


@method_decorator(csrf_exempt, name="dispatch")
class CallbackView(View):
    """``/payments/<processor>/callback/``: hands the request to ``processor.handle_callback``.

    CSRF-exempt because services, not browsers, call it; the processor authenticates the
    message the way its service defines (the default answers 404).
    """

    processor = None

    def dispatch(self, request, *args, **kwargs):
        return self.processor.handle_callback(request)
