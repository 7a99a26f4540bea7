"""Template filters shared by every Coleman app: ``{% load coleman %}``."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from coleman.conf import coleman_settings
from coleman.core.money import to_money

register = template.Library()


@register.filter
def currency(value):
    """Format an amount as money in the store's currency: ``1234.5`` → ``$1,234.50``."""
    if value is None or value == "":
        return ""
    try:
        amount = to_money(value)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{coleman_settings.CURRENCY_SYMBOL}{intcomma(f'{abs(amount):.2f}')}"
