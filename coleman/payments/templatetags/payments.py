"""Template tags of the payments app."""

from django import template
from django.urls import reverse

from coleman.core.money import to_money
from coleman.orders.models import Status

from ..exceptions import ProcessorNotFound
from ..models import TokenReference
from ..processors import get_processor, get_processors

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


@register.simple_tag
def amazon_account(user):
    """The customer's Amazon prepaid balances and postpaid credits and what they may open; None when off.

    Balances are the last ones read from FPS (after every call): showing the page calls nobody.
    """
    try:
        amazon = get_processor("amazon")
    except ProcessorNotFound:
        return None
    if not user.is_authenticated or not amazon.setting("AGGREGATED_PAYMENTS"):
        return None
    return {
        "instruments": list(TokenReference.objects.instruments().filter(user=user, processor=amazon.name)),
        "prepaid_amounts": [to_money(amount) for amount in amazon.setting("PREPAID_AMOUNTS")],
        "credit_limit": to_money(amazon.setting("CREDIT_LIMIT")),
        "small_purchase_limit": to_money(amazon.setting("SMALL_PURCHASE_LIMIT")),
    }


@register.simple_tag(takes_context=True)
def payment_choices(context, order):
    """``[{"name", "verbose_name", "url"}]``: the ways to pay ``order`` now (its hand-off page
    per available processor), or an empty list when the order is not awaiting payment."""
    if order.status_id != Status.NEW:
        return []
    request = context.get("request")
    return [
        {
            "name": processor.name,
            "verbose_name": processor.verbose_name,
            "url": reverse("payments:pay", args=[processor.name, order.number]),
        }
        for processor in get_processors().values()
        if processor.is_available(request)
    ]
