"""Template filters and tags shared by every Coleman app: ``{% load coleman %}``."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.core.panels import panels_for

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


@register.simple_tag(takes_context=True)
def panels(context, slot):
    """Render the panels installed apps registered for ``slot`` (see :mod:`coleman.core.panels`),
    each with this template's context; nothing when no installed app fills the slot."""
    names = panels_for(slot)
    if not names:
        return ""
    flat = context.flatten()
    request = context.get("request")
    return mark_safe("".join(get_template(name).render(flat, request) for name in names))  # noqa: S308
