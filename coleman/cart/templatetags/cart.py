"""Template tags of the cart: ``{% load cart %}``."""

from django import template

from ..cart import Cart

register = template.Library()


@register.simple_tag(takes_context=True)
def get_cart(context):
    """The current request's cart (the same object the view uses): ``{% get_cart as cart %}``."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return None
    return Cart.from_request(request)
