"""Template tags of the orders app: ``{% load orders %}``."""

from django import template

from ..shipping import get_shipping_calculator

register = template.Library()


@register.simple_tag
def shipping_quote(cart):
    """``{% shipping_quote cart as quote %}``: ``quote.name``, ``quote.amount``, ``quote.total``."""
    calculator = get_shipping_calculator()
    amount = calculator.quote(cart)
    return {"name": calculator.name, "amount": amount, "total": cart.subtotal + amount}
