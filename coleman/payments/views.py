"""Shopper-facing payment pages: choose a processor, check out with it, come back from it.

The checkout is the book's ``CheckoutView`` as a class-based view: it shows the cart and its
totals with the shipping form, saves the order (``save_order``: the orders app's
``make_order_from_cart``) and then lets the chosen processor render its hand-off.
"""

import hmac
import secrets

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from coleman.cart.cart import Cart
from coleman.orders import services as order_services
from coleman.orders.exceptions import CheckoutError, DuplicateCheckout
from coleman.orders.forms import CheckoutForm
from coleman.orders.models import Order
from coleman.orders.shipping import get_shipping_calculator
from coleman.orders.views import CHECKOUT_TOKEN_KEY, can_view, remember_order

from .exceptions import ProcessorNotFound
from .models import PaymentTransaction, TransactionKind, TransactionStatus
from .processors import get_processor, get_processors


class CartTotalsMixin:
    """Loads the session cart and adds it, its shipping quote and total to the context."""

    def dispatch(self, request, *args, **kwargs):
        self.cart = Cart.from_request(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calculator = get_shipping_calculator()
        shipping = calculator.quote(self.cart)
        context.update(
            cart=self.cart,
            shipping_name=calculator.name,
            shipping=shipping,
            total=self.cart.subtotal + shipping,
        )
        return context

    def empty_cart_redirect(self):
        """Send a shopper with an empty cart back to the cart page."""
        messages.info(self.request, "Your cart is empty: add something before checking out.")
        return redirect("cart:detail")


class ChooseProcessorView(CartTotalsMixin, TemplateView):
    """``/checkout/``: the cart's totals and the payment services to pay with."""

    template_name = "payments/choose.html"

    def get(self, request, *args, **kwargs):
        if self.cart.is_empty:
            return self.empty_cart_redirect()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["processors"] = [p for p in get_processors().values() if p.is_available(self.request)]
        return context


class CheckoutView(CartTotalsMixin, FormView):
    """``/checkout/<processor>/``: review, give a shipping address, place the order, pay.

    POST saves the order first (:meth:`save_order`) and answers with the processor's
    hand-off (:meth:`PaymentProcessor.get_checkout_response`). A one-time token in the
    session makes a repeated POST hand off the order already placed instead of a new one.
    """

    template_name = "payments/checkout.html"
    form_class = CheckoutForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.processor = get_processor(kwargs["processor"])
        except ProcessorNotFound:
            raise Http404("No such payment method.") from None
        if not self.processor.is_available(request):
            raise Http404("This payment method is not available.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.cart.is_empty:
            return self.empty_cart_redirect()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        posted_token = request.POST.get("checkout_token", "")
        if posted_token:
            placed = Order.objects.filter(checkout_token=posted_token).first()
            if placed is not None:
                return self.already_placed(placed)
        if self.cart.is_empty:
            return self.empty_cart_redirect()
        return super().post(request, *args, **kwargs)

    def checkout_token(self):
        """This session's one-time checkout token (shared with the orders app's checkout)."""
        token = self.request.session.get(CHECKOUT_TOKEN_KEY)
        if not isinstance(token, str) or len(token) < 32:
            token = secrets.token_urlsafe(32)
            self.request.session[CHECKOUT_TOKEN_KEY] = token
        return token

    def get_initial(self):
        return {"checkout_token": self.checkout_token(), "country": "US"}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["processor"] = self.processor
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def save_order(self, form):
        """Turn the cart into a NEW order (the book's ``save_order``); raises ``CheckoutError``."""
        return order_services.make_order_from_cart(
            self.cart,
            user=self.request.user,
            email=form.order_email(),
            shipping_address=form.shipping_address(),
            comments=form.cleaned_data.get("comments", ""),
            checkout_token=form.cleaned_data["checkout_token"],
        )

    def form_valid(self, form):
        token = form.cleaned_data["checkout_token"]
        if not hmac.compare_digest(token.encode(), self.checkout_token().encode()):
            messages.error(
                self.request, "This checkout page was out of date; please check your order and try again."
            )
            form = self.get_form_class()(user=self.request.user, initial=self.get_initial())
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            order = self.save_order(form)
        except DuplicateCheckout as exc:
            return self.already_placed(exc.order)
        except CheckoutError as exc:
            messages.error(self.request, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        self.request.session.pop(CHECKOUT_TOKEN_KEY, None)
        remember_order(self.request, order)
        return self.processor.get_checkout_response(self.request, order)

    def already_placed(self, order):
        """A repeated POST: hand off the unpaid order again, or show it."""
        if not can_view(self.request, order):
            raise Http404("No such checkout.")
        if order.status_id in ("NEW", "NEW_CHKOUT"):
            return self.processor.get_checkout_response(self.request, order)
        messages.info(self.request, f"Your order {order.number} was already placed.")
        return HttpResponseRedirect(order.get_absolute_url())


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
