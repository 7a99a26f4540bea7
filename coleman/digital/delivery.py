"""What a digital purchase delivers, for pages, emails and payment processors.

The public seam other code uses, without knowing the digital app's models:

- :func:`deliveries_for_order` gives, for each digital line of an order, its entitlement
  (created on first use, keys included), for the order page and the paid-order email;
- :func:`digital_content_for_line` / :func:`digital_content_for_order` give the delivery data
  of order lines as a payment service's digital delivery needs it (Google Checkout's
  ``<digital-content>``): the method, a description, the URL of the store's download page and
  the license key.
- :func:`guest_access_url` / :func:`order_from_guest_token`: the signed link that opens an
  order's downloads from a guest's email.

Payments never imports this module (digital comes after payments). A processor learns that a
line is digital from ``line.product.is_digital`` and asks for its content through the seam
``coleman.payments.digital_delivery``, which the digital app fills in its ``ready()`` with
:func:`digital_content_for_order`.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from coleman.conf import coleman_settings
from coleman.orders.models import Order
from coleman.orders.statuses import PAID_OR_LATER

from .models import Entitlement
from .services import grant_for_order

GUEST_LINK_SALT = "coleman.digital.guest-order-link"


class DeliveryMethod:
    """The three delivery methods of Google Checkout's Digital Delivery."""

    EMAIL = "email"
    KEY_URL = "key_url"
    DESCRIPTION = "description"


@dataclass(frozen=True)
class DigitalContent:
    """How one digital line is delivered: ``method`` (a :class:`DeliveryMethod`), the words the
    buyer reads, the download page's absolute URL and the license keys ('' / () when none)."""

    method: str
    description: str
    url: str = ""
    keys: tuple[str, ...] = ()

    @property
    def key(self):
        """The first license key ('' when none): Google's ``<key>`` holds one."""
        return self.keys[0] if self.keys else ""


def deliveries_for_order(order) -> list[Entitlement]:
    """The entitlements of ``order``'s digital lines (created now when missing), ready to show.

    Granting is idempotent, so the page or email that needs them first creates them, whether
    or not the ``order_status_changed`` receiver has run yet. Entitlements of an unpaid order
    exist (keys reserved) but open only once it is paid.
    """
    digital_lines = set(order.lines.filter(product__is_digital=True).values_list("pk", flat=True))
    if not digital_lines:
        return []
    entitlements = _entitlements_of(order)
    unopened = order.status_id in PAID_OR_LATER and any(
        entitlement.activated_at is None and entitlement.revoked_at is None for entitlement in entitlements
    )
    if unopened or {entitlement.line_id for entitlement in entitlements} != digital_lines:
        grant_for_order(order)
        entitlements = _entitlements_of(order)
    return entitlements


def _entitlements_of(order):
    return list(Entitlement.objects.filter(order=order).for_page().select_related("line").order_by("line_id"))


def guest_access_token(order) -> str:
    """A signed token naming ``order`` and its email, for the link in a guest's email."""
    return signing.dumps({"n": order.number, "e": order.email.lower()}, salt=GUEST_LINK_SALT)


def guest_access_url(order, request=None) -> str:
    """The link that opens ``order``'s page with its downloads (absolute when ``request`` is given)."""
    path = reverse("digital:guest-access", kwargs={"token": guest_access_token(order)})
    return request.build_absolute_uri(path) if request is not None else path


def order_from_guest_token(token):
    """The order a guest link names, or None when the link is forged, too old or stale."""
    max_age = coleman_settings.DIGITAL_GUEST_LINK_DAYS * 86400
    try:
        data = signing.loads(token, salt=GUEST_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("e"), str):
        return None
    order = Order.objects.filter(number=data["n"]).first()
    if order is None or order.email.lower() != data["e"]:
        return None
    return order


def digital_content_for_line(line, *, request=None) -> DigitalContent | None:
    """The delivery data of order line ``line`` (None when its product is not digital).

    Creates the line's entitlement if needed (reserving its license keys), so a key can be
    shown by the payment service before the payment is confirmed; the files open only when
    the order is paid. Key/URL when the line has files or keys, description for subscriptions,
    e-mail for anything else.
    """
    if not line.product_id or not line.product.is_digital:
        return None
    return digital_content_for_order(line.order, request=request).get(line.pk)


def digital_content_for_order(order, *, request=None) -> dict[int, DigitalContent]:
    """``{line pk: DigitalContent}`` for every digital line of ``order``, in a fixed number of queries.

    What the payments app's digital-delivery seam (``coleman.payments.digital_delivery``) asks
    for; see :func:`digital_content_for_line` for the choice of method.
    """
    entitlements = deliveries_for_order(order)
    url = guest_access_url(order, request) if entitlements else ""
    return {entitlement.line_id: _content(entitlement, url) for entitlement in entitlements}


def _content(entitlement, url):
    name = entitlement.line.name
    keys = tuple(key.key for key in entitlement.license_keys.all())
    has_files = bool(entitlement.product and entitlement.product.digital_assets.all())
    if has_files or keys:
        words = f"Download {name} from your order page" if has_files else f"Your license key for {name}"
        return DigitalContent(DeliveryMethod.KEY_URL, f"{words}.", url=url, keys=keys)
    if entitlement.product is not None and hasattr(entitlement.product, "subscription_plan"):
        return DigitalContent(
            DeliveryMethod.DESCRIPTION,
            f"Your subscription ({name}) starts as soon as the payment is confirmed: log in to use it.",
        )
    return DigitalContent(DeliveryMethod.EMAIL, f"We will email you how to get {name}.")


__all__ = [
    "DeliveryMethod",
    "DigitalContent",
    "deliveries_for_order",
    "digital_content_for_line",
    "digital_content_for_order",
    "guest_access_token",
    "guest_access_url",
    "order_from_guest_token",
]
