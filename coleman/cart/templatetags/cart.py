"""Template tags of the cart: ``{% load cart %}``."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from coleman.products.cache import cached_fragment
from coleman.products.page_cache import has_rendered_personal_part, personal_part_undone, rendered_personal_part

from ..cart import Cart

register = template.Library()


@register.simple_tag(takes_context=True)
def get_cart(context):
    """The current request's cart (the same object the view uses): ``{% get_cart as cart %}``."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return None
    rendered_personal_part(request)  # a page showing this cart is not the same for everyone
    return Cart.from_request(request)


def cart_summary_html(request) -> str:
    """The header's cart summary (``cart/_summary.html``) for ``request``'s cart, from the cache.

    It is cached under the cart's lines and the catalog version (one cache read per page;
    shared by every cart holding the same lines), so it changes with the cart and with any
    price or stock. Cached pages render it as their live part for each shopper.
    """
    if not hasattr(request, "session"):
        return ""
    cart = Cart.from_request(request)
    before = has_rendered_personal_part(request)

    def render():
        html = render_to_string("cart/_summary.html", {"request": request})
        personal_part_undone(request, before)  # it is a live part: filled in per request
        return html

    return cached_fragment(("cart-summary-html", cart.lines_key), render)


@register.simple_tag(takes_context=True)
def cart_summary(context):
    """``{% cart_summary %}``: :func:`cart_summary_html` of the current request."""
    request = context.get("request")
    return mark_safe(cart_summary_html(request)) if request is not None else ""  # noqa: S308 - rendered and escaped by the template engine
