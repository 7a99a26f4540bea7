"""Customer-facing order pages: my orders, an order, guest look-up, feedback.

Checkout ("Place order") is the payments app's (``coleman.payments.views.CheckoutView``),
built from this app's public pieces: ``CheckoutForm``, ``placing.make_order_from_cart``,
``tokens`` and ``access``.

A customer sees only their own orders; a guest sees the orders placed in their browser
session or found with the order number and email. Anything else is a 404, so order numbers
cannot be probed.
"""

import hmac
import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from coleman.conf import coleman_settings
from coleman.core.throttling import Throttle

from . import services
from .access import can_view, remember_order
from .forms import OrderFeedbackForm, OrderLookupForm
from .models import Order, OrderStatusChange


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
