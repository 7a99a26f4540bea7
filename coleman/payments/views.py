"""The shopper's checkout: review the cart, give an address, choose how to pay, "Place order".

The book's ``CheckoutView`` belongs to the payment framework, so this app owns ``/checkout/``
and ``/checkout/<processor>/``. It is built from the orders app's public pieces: the
``CheckoutForm``, ``make_order_from_cart`` (the order is saved first, in one transaction), the
one-time checkout token (``orders.tokens``) and who may see an order (``orders.access``). Once
the order is saved the chosen processor renders its hand-off.
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from coleman.cart.cart import Cart
from coleman.orders.access import can_view, remember_order
from coleman.orders.address_book import save_to_address_book
from coleman.orders.exceptions import CheckoutError, DuplicateCheckout
from coleman.orders.forms import NEW_ADDRESS, CheckoutForm
from coleman.orders.models import Order
from coleman.orders.placing import make_order_from_cart
from coleman.orders.shipping import get_shipping_calculator
from coleman.orders.statuses import UNPAID
from coleman.orders.tokens import checkout_token, forget_checkout_token, is_current_token, token_belongs_to

from .exceptions import PaymentError, ProcessorNotFound
from .processors import get_processor, get_processors

EMPTY_CART_MESSAGE = gettext_lazy("Your cart is empty: add something before checking out.")


def see_other(url):
    """The redirect after a POST: the browser fetches ``url`` with GET (reloading it posts nothing)."""
    return HttpResponseRedirect(url)


def payment_url(processor, order) -> str:
    """The address of ``order``'s hand-off to ``processor`` (:class:`PayOrderView`)."""
    return reverse("payments:pay", args=[processor.name, order.number])


def hand_off(request, processor, order):
    """``processor``'s hand-off of ``order``; if the service cannot take it, the order page
    with a message."""
    try:
        return processor.get_checkout_response(request, order)
    except PaymentError as exc:
        messages.error(
            request,
            _(
                "Your order %(number)s is saved, but %(service)s could not take the payment right now "
                "(%(reason)s). Please try again later."
            )
            % {"number": order.number, "service": processor.verbose_name, "reason": exc},
        )
        return HttpResponseRedirect(order.get_absolute_url())


class CheckoutView(FormView):
    """Review the cart and shipping, give a shipping address, choose a processor, "Place order".

    ``/checkout/`` offers the installed processors as a "Pay with" choice (and links to each);
    ``/checkout/<processor>/`` has one fixed. "Place order" saves the order with
    ``make_order_from_cart``, then redirects (303) to the order's hand-off page
    (:class:`PayOrderView`). A POST that names no processor places the order and shows it,
    awaiting payment. The form carries a one-time token stored on the order: the database,
    not the session, maps it to its order, so the same form posted again (a double click,
    even while the first request is still running) redirects to the same order's hand-off
    instead of making another; holding the token is what lets that browser see the order.
    """

    template_name = "payments/checkout.html"
    form_class = CheckoutForm

    def dispatch(self, request, *args, **kwargs):
        self.fixed_processor = None
        self.chosen_processor = None
        if "processor" in kwargs:
            try:
                self.fixed_processor = get_processor(kwargs["processor"])
            except ProcessorNotFound:
                raise Http404(_("No such payment method.")) from None
            if not self.fixed_processor.is_available(request):
                raise Http404(_("This payment method is not available."))
        self.cart = Cart.from_request(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.cart.is_empty:
            messages.info(request, EMPTY_CART_MESSAGE)
            return redirect("cart:detail")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # A token already used is found where it matters, not looked up on every POST: here
        # when the cart is empty (the order was paid), in form_valid when the session no
        # longer holds it, and by make_order_from_cart (DuplicateCheckout) in a double click.
        if self.cart.is_empty:
            posted_token = request.POST.get("checkout_token", "")
            placed = Order.objects.filter(checkout_token=posted_token).first() if posted_token else None
            if placed is not None:
                return self.already_placed(placed, posted_token)
            messages.info(request, EMPTY_CART_MESSAGE)
            return redirect("cart:detail")
        return super().post(request, *args, **kwargs)

    def available_processors(self):
        """The processors shoppers may choose now, in setting order."""
        return [processor for processor in get_processors().values() if processor.is_available(self.request)]

    def get_initial(self):
        return {"checkout_token": checkout_token(self.request), "country": "US"}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.fixed_processor is None:
            processors = self.available_processors()
            form.fields["processor"] = forms.ChoiceField(
                label=_("Pay with"),
                widget=forms.RadioSelect,
                choices=[(processor.name, processor.verbose_name) for processor in processors],
                initial=processors[0].name if processors else None,
                required=False,
            )
        return form

    @staticmethod
    def tax_address(form):
        """The address the shown tax is worked out for: the valid form's, else what it holds so far."""
        if form.is_bound and form.is_valid():
            return form.shipping_address()
        choice = form["address_choice"].value() if "address_choice" in form.fields else None
        for saved in getattr(form, "addresses", ()):
            if choice not in (None, "", NEW_ADDRESS) and str(saved["id"]) == str(choice):
                return saved
        return {"state": form["state"].value() or "", "country": form["country"].value() or ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calculator = get_shipping_calculator()
        form = context.get("form")
        breakdown = self.cart.priced(address=self.tax_address(form) if form is not None else None)
        # Prices are re-checked here: a price that changed since the shopper saw it is shown
        # (then counts as seen), before anything is paid.
        price_changes = context.get("price_changes")
        if price_changes is None:
            price_changes = self.cart.price_changes()
        self.cart.accept_prices()
        context.update(
            price_changes=price_changes,
            cart=self.cart,
            breakdown=breakdown,
            shipping_name=breakdown.shipping_reason or calculator.name,
            shipping=breakdown.shipping,
            total=breakdown.total,
            processor=self.fixed_processor,
            processors=self.available_processors(),
        )
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        if "recalculate" in self.request.POST:  # "Update totals": show the tax for the address, place nothing
            return self.render_to_response(self.get_context_data(form=form))
        token = form.cleaned_data["checkout_token"]
        if not is_current_token(self.request, token):
            # A double click: the first request may have placed the order (and dropped the
            # session's token) after this one looked for it.
            placed = Order.objects.filter(checkout_token=token).first() if token else None
            if placed is not None:
                return self.already_placed(placed, token)
            messages.error(
                self.request, _("This checkout page was out of date; please check your order and try again.")
            )
            # What the shopper typed is kept; only the token is renewed (the session changed,
            # e.g. a log-in in another tab, or an order was placed from another page).
            data = self.request.POST.copy()
            data["checkout_token"] = checkout_token(self.request)
            form = self.get_form_class()(data=data, user=self.request.user, initial=self.get_initial())
            form.is_valid()
            return self.render_to_response(self.get_context_data(form=form), status=400)
        changes = self.cart.price_changes()
        if changes:
            messages.warning(
                self.request,
                _("Some prices changed since you last saw them; please check your order and place it again."),
            )
            return self.render_to_response(self.get_context_data(form=form, price_changes=changes), status=409)
        name = form.cleaned_data.get("processor")
        self.chosen_processor = self.fixed_processor or (get_processor(name) if name else None)
        try:
            order = make_order_from_cart(
                self.cart,
                user=self.request.user,
                email=form.order_email(),
                shipping_address=form.shipping_address(),
                comments=form.cleaned_data.get("comments", ""),
                checkout_token=token,
            )
        except DuplicateCheckout as exc:
            return self.already_placed(exc.order, token)
        except CheckoutError as exc:
            messages.error(self.request, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        forget_checkout_token(self.request)
        remember_order(self.request, order)
        if form.wants_address_saved():
            if save_to_address_book(self.request.user, form.shipping_address()) is None:
                messages.warning(self.request, _("Your order is placed, but the address could not be saved."))
        if self.chosen_processor is None:
            messages.success(
                self.request, _("Thank you! Your order %(number)s has been placed.") % {"number": order.number}
            )
            return see_other(order.get_absolute_url())
        return see_other(payment_url(self.chosen_processor, order))

    def already_placed(self, order, token):
        """A repeated "Place order" (same token): redirect to the same unpaid order's hand-off,
        or show the order.

        The token (stored on the order, and bound to this browser's session key) proves the
        POST comes from the browser that placed ``order``, so it may see it even when the first
        request has not saved the session yet. Another browser replaying it gets a 404.
        """
        if not token_belongs_to(self.request, token) and not can_view(self.request, order):
            raise Http404(_("No such checkout."))
        remember_order(self.request, order)
        processor = self.fixed_processor
        if processor is None and self.request.POST.get("processor"):
            processor = self.available_processors_by_name().get(self.request.POST["processor"])
        if processor is not None and order.status_id in UNPAID:
            return see_other(payment_url(processor, order))
        messages.info(self.request, _("Your order %(number)s was already placed.") % {"number": order.number})
        return see_other(order.get_absolute_url())

    def available_processors_by_name(self):
        """The processors shoppers may choose now, by name."""
        return {processor.name: processor for processor in self.available_processors()}


class PayOrderView(View):
    """The hand-off of an unpaid order to a processor: ``/checkout/<processor>/pay/<number>/``.

    "Place order" redirects here, so a reload or a second click never posts again; a shopper
    may also come back to an unpaid order and pay it. Only a browser that may see the order
    (:func:`~coleman.orders.access.can_view`) gets the hand-off; anything else is a 404. An
    order already paid (or cancelled) shows its page instead.
    """

    def get(self, request, processor, number):
        try:
            chosen = get_processor(processor)
        except ProcessorNotFound:
            raise Http404(_("No such payment method.")) from None
        if not chosen.is_available(request):
            raise Http404(_("This payment method is not available."))
        order = Order.objects.select_related("status").filter(number=number).first()
        if order is None or not can_view(request, order):
            raise Http404(_("No such order."))
        if order.status_id not in UNPAID:
            messages.info(request, _("Your order %(number)s needs no payment now.") % {"number": order.number})
            return HttpResponseRedirect(order.get_absolute_url())
        return hand_off(request, chosen, order)
