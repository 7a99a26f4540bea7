"""Template tags of the payments app."""

from django import template

from ..exceptions import ProcessorNotFound
from ..processors import get_processor

register = template.Library()


@register.simple_tag
def buy_it_now_form(product):
    """``{"action", "fields"}`` for Google's Buy It Now form, or None when it is off."""
    try:
        google = get_processor("google")
    except ProcessorNotFound:
        return None
    if not google.setting("BUY_IT_NOW") or not product.is_active:
        return None
    return {"action": google.api_url("checkoutForm"), "fields": google.buy_it_now_fields(product)}
