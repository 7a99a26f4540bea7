"""Template tags of the orders app: ``{% load orders %}``."""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..shipping import get_shipping_calculator

register = template.Library()

#: The checkout form's fields template (all fields but the one-time token).
CHECKOUT_FIELDS_TEMPLATE = "orders/_checkout_form_fields.html"
#: Blank checkout forms' markup, by :func:`_blank_form_key`; emptied when settings or templates change.
_blank_forms = {}
_MAX_BLANK_FORMS = 64


@register.simple_tag
def shipping_quote(cart):
    """``{% shipping_quote cart as quote %}``: ``quote.name``, ``quote.amount``, ``quote.total``."""
    calculator = get_shipping_calculator()
    amount = calculator.quote(cart)
    return {"name": calculator.name, "amount": amount, "total": cart.subtotal + amount}


def _choices_key(field):
    """A field's choices as text (None for a field without choices). Grouped choices give a key
    that may differ each time (the markup is then drawn every time, never stale)."""
    choices = getattr(field, "choices", None)
    if choices is None:
        return None
    return tuple((str(value), str(label)) for value, label in choices)


def _blank_form_key(form):
    """What a blank checkout form's markup depends on: the language, the form's class, prefix and
    initial values (the token aside), and each field's kind, label, hint, requiredness, initial
    value, choices and widget."""
    fields = tuple(
        (
            name,
            type(field),
            str(field.label),
            str(field.help_text),
            field.required,
            field.disabled,
            repr(field.initial),
            _choices_key(field),
            type(field.widget),
            repr(field.widget.attrs),
        )
        for name, field in form.fields.items()
        if name != "checkout_token"
    )
    initial = tuple(sorted((name, str(value)) for name, value in form.initial.items() if name != "checkout_token"))
    return (get_language(), type(form), form.prefix, form.auto_id, type(form.renderer), initial, fields)


@register.simple_tag(takes_context=True)
def checkout_fields(context, form):
    """``{% checkout_fields form %}``: the checkout form's fields but the token
    (``orders/_checkout_form_fields.html``).

    A blank form without an address book (a guest's first view of the checkout page) draws
    the same markup for every shopper in a language: it is drawn once per process and kept,
    keyed by what it depends on (:func:`_blank_form_key`) and forgotten when a setting or a
    template changes. A bound form (errors, "Update totals") or one with saved addresses is
    drawn every time.
    """
    fields = context.template.engine.get_template(CHECKOUT_FIELDS_TEMPLATE)
    if form.is_bound or getattr(form, "addresses", None):
        with context.push(form=form):
            return fields.render(context)
    key = _blank_form_key(form)
    html = _blank_forms.get(key)
    if html is None:
        with context.push(form=form):
            html = mark_safe(fields.render(context))  # noqa: S308 - the template's own (escaped) output
        if len(_blank_forms) >= _MAX_BLANK_FORMS:
            _blank_forms.clear()
        _blank_forms[key] = html
    return html


@receiver(setting_changed, dispatch_uid="coleman.orders.blank_checkout_forms.settings")
def _forget_blank_forms_on_setting_change(**kwargs):
    _blank_forms.clear()


@receiver(file_changed, dispatch_uid="coleman.orders.blank_checkout_forms.templates")
def _forget_blank_forms_on_template_change(sender, file_path, **kwargs):
    if file_path.suffix == ".html":
        _blank_forms.clear()
