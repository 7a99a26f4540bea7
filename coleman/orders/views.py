"""Customer-facing order pages: checkout ("Place order"), my orders, an order, guest look-up, feedback.

A customer sees only their own orders; a guest sees the orders placed in their browser
session or found with the order number and email. Anything else is a 404, so order numbers
cannot be probed.
"""

import hmac
import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from coleman.cart.cart import Cart
from coleman.conf import coleman_settings
from coleman.core.throttling import Throttle

from . import services
from .access import can_view, remember_order
from .exceptions import CheckoutError, DuplicateCheckout
from .forms import CheckoutForm, OrderFeedbackForm, OrderLookupForm
from .models import Order, OrderStatusChange
from .shipping import get_shipping_calculator

CHECKOUT_TOKEN_KEY = "coleman_checkout_token"  # noqa: S105 - a session key name, not a secret


class CheckoutView(FormView):
    """Review the cart and shipping, give a shipping address, and "Place order".

    The form carries a one-time token kept in the session; the token is stored on the order,
    so a second submission of the same form shows the first order instead of making another.
    """

    template_name = "orders/checkout.html"
    form_class = CheckoutForm

    def dispatch(self, request, *args, **kwargs):
        self.cart = Cart.from_request(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.cart.is_empty:
            messages.info(request, "Your cart is empty: add something before checking out.")
            return redirect("cart:detail")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        posted_token = request.POST.get("checkout_token", "")
        if posted_token:
            placed = Order.objects.filter(checkout_token=posted_token).first()
            if placed is not None:
                return self.already_placed(placed)
        if self.cart.is_empty:
            messages.info(request, "Your cart is empty: add something before checking out.")
            return redirect("cart:detail")
        return super().post(request, *args, **kwargs)

    def checkout_token(self):
        """This session's one-time checkout token (made on first use, replaced after an order)."""
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
        calculator = get_shipping_calculator()
        shipping = calculator.quote(self.cart)
        context.update(
            cart=self.cart,
            shipping_name=calculator.name,
            shipping=shipping,
            total=self.cart.subtotal + shipping,
        )
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        token = form.cleaned_data["checkout_token"]
        if not hmac.compare_digest(token.encode(), self.checkout_token().encode()):
            messages.error(self.request, "This checkout page was out of date; please check your order and try again.")
            form = self.get_form_class()(user=self.request.user, initial=self.get_initial())
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            order = services.make_order_from_cart(
                self.cart,
                user=self.request.user,
                email=form.order_email(),
                shipping_address=form.shipping_address(),
                comments=form.cleaned_data.get("comments", ""),
                checkout_token=token,
            )
        except DuplicateCheckout as exc:
            return self.already_placed(exc.order)
        except CheckoutError as exc:
            messages.error(self.request, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        self.request.session.pop(CHECKOUT_TOKEN_KEY, None)
        remember_order(self.request, order)
        return self.order_placed(order)

    def order_placed(self, order):
        """The response once ``order`` is placed: its page. A payments checkout that subclasses
        this view overrides it to send the shopper on to the payment service."""
        messages.success(self.request, f"Thank you! Your order {order.number} has been placed.")
        return HttpResponseRedirect(order.get_absolute_url())

    def already_placed(self, order):
        """A repeated "Place order": show the order it already made (if it is this shopper's)."""
        if not can_view(self.request, order):
            raise Http404("No such checkout.")
        messages.info(self.request, f"Your order {order.number} was already placed.")
        return HttpResponseRedirect(order.get_absolute_url())


class OrderListView(LoginRequiredMixin, ListView):
    """My orders: the signed-in customer's orders, newest first."""

    template_name = "orders/order_list.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return Order.objects.for_user(self.request.user).select_related("status")


class OrderDetailView(DetailView):
    """One order: lines, totals, shipping address, tracking, status history and feedback."""

    template_name = "orders/order_detail.html"
    context_object_name = "order"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Order.objects.select_related("status")

    def get_object(self, queryset=None):
        order = super().get_object(queryset)
        if not can_view(self.request, order):
            raise Http404("No such order.")
        return order

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        context["lines"] = list(order.lines.all())
        context["history"] = list(
            OrderStatusChange.objects.filter(order=order).select_related("to_status").order_by("created_at", "id")
        )
        context["feedback"] = list(order.feedback.all())
        context.setdefault("feedback_form", OrderFeedbackForm())
        return context


class OrderFeedbackView(OrderDetailView):
    """POST a message to an order's feedback thread (the customer's own order only)."""

    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = OrderFeedbackForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(object=self.object, feedback_form=form)
            return self.render_to_response(context, status=400)
        services.add_feedback(self.object, form.cleaned_data["body"], author=request.user)
        messages.success(request, _("Thank you: your message was sent to the store."))
        return HttpResponseRedirect(f"{self.object.get_absolute_url()}#feedback")


class OrderLookupView(FormView):
    """Guests find an order with its number and email.

    A wrong number and a wrong email give the same answer, the email is compared in constant
    time, and attempts are limited per client address, so the form cannot list orders.
    """

    template_name = "orders/order_lookup.html"
    form_class = OrderLookupForm

    def get_throttle(self):
        """Look-ups counted per client address (honouring ``COLEMAN_PROXY_COUNT``)."""
        return Throttle.for_client(
            self.request,
            "order-lookup",
            limit=coleman_settings.ORDER_LOOKUP_ATTEMPTS,
            window=coleman_settings.ORDER_LOOKUP_WINDOW,
        )

    def post(self, request, *args, **kwargs):
        throttle = self.get_throttle()
        if throttle.is_exceeded():
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many attempts; please wait a few minutes and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        throttle.hit()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        order = Order.objects.filter(number=form.cleaned_data["number"]).first()
        given = form.cleaned_data["email"].strip().lower().encode()
        expected = order.email.strip().lower().encode() if order else secrets.token_hex(16).encode()
        if order is None or not hmac.compare_digest(given, expected):
            form.add_error(None, _("No order matches that number and email."))
            return self.form_invalid(form)
        remember_order(self.request, order)
        return HttpResponseRedirect(order.get_absolute_url())
