"""Cart pages: view the cart, and POST-only add, remove and update.

A change asked for with ``Accept: application/json`` (the small fetch enhancement in
``cart/cart.js``) is answered with the new cart summary as JSON instead of a redirect.

Every change is a POST (CSRF protected) answered with a redirect. Bad input (a quantity that
is not a whole number in range, an unknown item id, more than the stock) re-renders the cart
page with a clear message and a 400, and changes nothing.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from coleman.core.http import safe_next_url, wants_json
from coleman.core.templatetags.coleman import currency
from coleman.products.models import Product
from coleman.products.page_cache import CookielessPageCache, ShopperPageCache, WholePageCacheMixin, page_identity

from .cart import Cart
from .exceptions import CartError, InvalidQuantities, UnknownItem, UnknownVariant
from .pricing import price_cart


def cart_summary(cart, message=""):
    """What the header summary shows, as JSON-ready data."""
    return {
        "count": cart.count,
        # The word after the count that screen readers hear in the header's cart link.
        "count_unit": ngettext("item", "items", cart.count),
        "lines": len(cart),
        "subtotal": str(cart.subtotal),
        "subtotal_display": currency(cart.subtotal),
        "message": message,
    }


class CartMixin:
    """Gives the view ``self.cart``, the request's cart."""

    def dispatch(self, request, *args, **kwargs):
        self.cart = Cart.from_request(request)
        return super().dispatch(request, *args, **kwargs)


class CartPageCache(ShopperPageCache):
    """The cart page of returning shoppers, stored per cart: two shoppers whose carts hold the
    same lines see the same page (the key holds the lines; the catalog version in every key
    follows prices, stock, offers and tax rates). A cart with a voucher is always rendered:
    whether a code still applies depends on its uses by other customers."""

    def applies_to(self, request) -> bool:
        """As for catalog pages, and only for a cart without a voucher code."""
        return super().applies_to(request) and not Cart.from_request(request).voucher_code

    def key(self, request, identity=None) -> str:
        """The page's key with the cart's lines."""
        identity = identity or page_identity(request)
        return super().key(request, (*identity, Cart.from_request(request).lines_key))


class CartDetailView(WholePageCacheMixin, CartMixin, TemplateView):
    """The cart page: lines, quantities, subtotal, shipping estimate and the way to checkout.

    Served whole from the cache when it can be (:class:`CartPageCache`): an empty cart to a
    first visit, and each returning shopper's cart by its lines.
    """

    template_name = "cart/cart_detail.html"
    page_cache_classes = (CookielessPageCache, CartPageCache)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cart"] = self.cart
        context.setdefault("item_errors", {})
        if "breakdown" not in context and not self.cart.is_empty:
            breakdown = self.cart.priced()
            if breakdown.voucher_error and self.cart.voucher_code:
                # The kept code stopped working (expired, used up): say so once and drop it.
                messages.warning(self.request, breakdown.voucher_error)
                self.cart.forget_voucher()
                breakdown = self.cart.priced()
            context["breakdown"] = breakdown
        return context

    def render_error(self, message, status=400, item_errors=None, **extra):
        """The cart page with ``message`` and per-line errors, answered with ``status``."""
        messages.error(self.request, message)
        context = self.get_context_data(item_errors=item_errors or {}, **extra)
        return self.render_to_response(context, status=status)


class CartChangeView(CartMixin, View):
    """Base of the POST-only views that change the cart."""

    http_method_names = ["post", "options"]

    def error(self, message, status=400, item_errors=None, **extra):
        """The cart page with ``message`` (or JSON ``{"error": message}``) and ``status``."""
        if wants_json(self.request):
            return JsonResponse({"error": message, "item_errors": item_errors or {}}, status=status)
        view = CartDetailView()
        view.setup(self.request)
        view.cart = self.cart
        return view.render_error(message, status=status, item_errors=item_errors, **extra)

    def done(self, message):
        """Success: JSON with the new summary for fetch, else a message and a redirect."""
        if wants_json(self.request):
            return JsonResponse(cart_summary(self.cart, message))
        messages.success(self.request, message)
        return self.redirect()

    def redirect(self):
        """Back to a safe ``next`` page of this site, or to the cart."""
        return HttpResponseRedirect(safe_next_url(self.request, reverse("cart:detail")))


class AddItemView(CartChangeView):
    """Add ``quantity`` (default 1) of an active product (of the ``variant`` chosen, for a product
    with variants); redirect to the cart (or a safe ``next``)."""

    def post(self, request, product_id):
        product = get_object_or_404(Product.objects.active(), pk=product_id)
        try:
            variant = self.chosen_variant(product, request.POST.get("variant", ""))
            item = self.cart.add(product, request.POST.get("quantity", "1"), variant=variant)
        except CartError as exc:
            return self.error(str(exc))
        return self.done(
            _("Added %(product)s to your cart (%(quantity)s in cart).")
            % {"product": item.name, "quantity": item.quantity}
        )

    @staticmethod
    def chosen_variant(product, raw):
        """The product's active variant named by ``raw`` (None for a product without variants), or
        :class:`UnknownVariant` (nothing chosen, not a number, a variant of another product)."""
        variants = list(product.variants.filter(is_active=True).order_by("position", "id"))
        if not variants:
            if raw:
                raise UnknownVariant(_("That choice is not available for %(product)s.") % {"product": product.name})
            return None
        if not raw:
            raise UnknownVariant(_("Please choose an option of %(product)s.") % {"product": product.name})
        chosen = next((variant for variant in variants if str(variant.pk) == str(raw).strip()), None)
        if chosen is None:
            raise UnknownVariant(_("That choice is not available for %(product)s.") % {"product": product.name})
        chosen.product = product
        return chosen


class RemoveItemView(CartChangeView):
    """Remove one line of the cart by its item id."""

    def post(self, request, item_id):
        try:
            item = self.cart.get_item(item_id)
            self.cart.remove(item_id)
        except UnknownItem as exc:
            return self.error(str(exc), status=404)
        return self.done(_("Removed %(product)s from your cart.") % {"product": item.product.name})


class UpdateCartView(CartChangeView):
    """Set the quantity of every line from ``quantity-<item_id>`` fields; 0 removes a line.

    All quantities are checked first: if one is bad, nothing changes.
    """

    def post(self, request):
        wanted = {
            key.removeprefix("quantity-"): value for key, value in request.POST.items() if key.startswith("quantity-")
        }
        try:
            unknown = self.cart.update_quantities(wanted)
        except InvalidQuantities as exc:
            return self.error(str(exc), item_errors=exc.item_errors)
        if unknown:
            messages.warning(request, _("Some items were no longer in your cart."))
        return self.done(_("Your cart was updated."))


class ApplyVoucherView(CartChangeView):
    """Apply the voucher ``code`` to the cart: a bad code re-renders the cart with the reason (400)
    and changes nothing; a good one is kept for the cart and the checkout."""

    def post(self, request):
        raw = request.POST.get("code", "")
        entered = raw[:40] if isinstance(raw, str) else ""
        if self.cart.is_empty:
            return self.error(_("Add something to your cart before entering a voucher."))
        user = request.user
        breakdown = price_cart(
            self.cart.items,
            voucher_code=raw or " ",
            user=user,
            email=user.email if user.is_authenticated else "",
        )
        if breakdown.voucher_error or breakdown.voucher is None:
            message = breakdown.voucher_error or _("Please enter a voucher code.")
            breakdown.voucher_error = message
            return self.error(message, breakdown=breakdown, voucher_entered=entered)
        self.cart.set_voucher_code(breakdown.voucher.code)
        return self.done(_("Voucher %(code)s applied.") % {"code": breakdown.voucher.code})


class RemoveVoucherView(CartChangeView):
    """Forget the cart's voucher."""

    def post(self, request):
        self.cart.forget_voucher()
        return self.done(_("The voucher was removed."))
