"""Template tags of the digital app: ``{% load digital %}``."""

from django import template
from django.urls import reverse

from coleman.conf import coleman_settings
from coleman.core.mail import site_url as core_site_url
from coleman.orders.statuses import PAID_OR_LATER

from ..delivery import deliveries_for_order, guest_access_url
from ..models import Subscription
from ..services import has_subscription as _has_subscription

register = template.Library()


@register.simple_tag
def order_deliveries(order):
    """The entitlements of a paid ``order``'s digital lines (none for unpaid orders)."""
    if order is None or order.status_id not in PAID_OR_LATER:
        return []
    return deliveries_for_order(order)


def site_url():
    """The store's address for links in emails (``COLEMAN_DIGITAL_SITE_URL``, else the store's
    ``COLEMAN_SITE_URL`` or first host)."""
    configured = coleman_settings.DIGITAL_SITE_URL
    return configured.rstrip("/") if configured else core_site_url()


@register.simple_tag
def downloads_link(order):
    """The absolute link an email gives for ``order``'s downloads: the customer's downloads
    page, or for a guest the signed link that opens the order's page."""
    if order.user_id:
        return site_url() + reverse("digital:list")
    return site_url() + guest_access_url(order)


@register.simple_tag
def user_subscriptions(user):
    """``user``'s subscriptions, newest end first (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Subscription.objects.filter(user=user).select_related("plan__product"))


@register.filter
def has_subscription(user, group_name):
    """``{% if user|has_subscription:"Members" %}``: a running subscription grants that group."""
    return _has_subscription(user, group_name)
