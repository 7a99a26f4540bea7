"""Template tags of the display currencies."""

from django import template

from ..rates import approximate, chosen, offered

register = template.Library()


@register.simple_tag(takes_context=True)
def display_currency(context):
    """The request's display currency ``(code, symbol, rate)``, or None."""
    request = context.get("request")
    return chosen(request) if request is not None else None


@register.simple_tag
def offered_currencies():
    """``[(code, name)]`` of the currencies a shopper may choose."""
    return [(code, name or code) for code, (name, _symbol, _rate) in sorted(offered().items())]


@register.filter
def approx(amount, currency):
    """``amount`` shown in ``currency`` (from ``display_currency``); "" when there is none."""
    if not currency or amount in (None, ""):
        return ""
    return approximate(amount, currency)
