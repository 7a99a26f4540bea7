"""Template tags of the cart: ``{% load cart %}``."""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from coleman.conf import coleman_settings

from ..cart import Cart

register = template.Library()


@register.simple_tag(takes_context=True)
def get_cart(context):
    """The current request's cart (the same object the view uses): ``{% get_cart as cart %}``."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return None
    return Cart.from_request(request)


@register.simple_tag(takes_context=True)
def cart_summary(context):
    """The header's cart summary (``cart/_summary.html``), rendered once per language, number of
    units and subtotal and then read from the cache: the live part of every cached page.

    The figures come from :attr:`Cart.summary` (no query while the catalog is unchanged).
    """
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return ""
    summary = Cart.from_request(request).summary
    key = f"coleman:cart:summary-html:{get_language()}:{summary.count}:{summary.subtotal}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("cart/_summary.html", {"request": request})
        cache.set(key, html, coleman_settings.CATALOG_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it
