"""Wishlist and back-in-stock operations; views stay thin and call these.

Every function checks ownership and limits and raises a :class:`~.exceptions.WishlistError`
with a clear message; nothing is half written (each change is one statement or one
transaction).
"""

import re
import uuid

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coleman.cart.cart import Cart
from coleman.conf import coleman_settings
from coleman.core.mail import absolute_url, send_templated_mail
from coleman.products.models import Product

from .exceptions import BadToken, LimitReached, NameTaken, NotFound
from .models import StockAlert, Wishlist, WishlistItem, new_share_token

_ID = re.compile(r"[0-9]{1,18}")
ALERT_TOKEN_SALT = "coleman.wishlists.stock-alert"  # noqa: S105 - a signing salt, not a secret


def parse_id(value, what: str) -> int:
    """``value`` (from a form or URL) as a database id, or :class:`NotFound` naming ``what``.

    Only digits are accepted, so nothing odd (a NUL, a sign, a huge number) reaches a query.
    """
    if isinstance(value, str) and _ID.fullmatch(value.strip()):
        return int(value.strip())
    raise NotFound(_("No such %(what)s.") % {"what": what})


def get_product(product_id) -> Product:
    """The active product ``product_id`` (a string of digits), or :class:`NotFound`."""
    pk = parse_id(product_id, _("product"))
    product = Product.objects.active().filter(pk=pk).first()
    if product is None:
        raise NotFound(_("That product does not exist or is no longer sold."))
    return product


def get_list(user, wishlist_id) -> Wishlist:
    """``user``'s list ``wishlist_id``; another customer's list is :class:`NotFound` like a missing one."""
    pk = parse_id(str(wishlist_id), _("wishlist"))
    wishlist = Wishlist.objects.filter(owner=user, pk=pk).first()
    if wishlist is None:
        raise NotFound(_("That wishlist does not exist or is not yours."))
    return wishlist


def get_item(user, item_id) -> WishlistItem:
    """An item on one of ``user``'s lists, with its product and list, or :class:`NotFound`."""
    pk = parse_id(str(item_id), _("item"))
    item = WishlistItem.objects.select_related("product", "wishlist").filter(wishlist__owner=user, pk=pk).first()
    if item is None:
        raise NotFound(_("That item is not on any of your wishlists."))
    return item


def clean_name(name) -> str:
    """A list name with its spaces tidied; empty or too long names are refused."""
    name = " ".join(str(name or "").split())
    if not name:
        raise NameTaken(_("Please give the list a name."))
    if len(name) > Wishlist._meta.get_field("name").max_length:
        raise NameTaken(_("The name is too long (100 characters at most)."))
    return name


def create_list(user, name) -> Wishlist:
    """A new list ``name`` for ``user``; :class:`LimitReached` or :class:`NameTaken` otherwise."""
    name = clean_name(name)
    limit = coleman_settings.WISHLISTS_MAX_LISTS
    if Wishlist.objects.filter(owner=user).count() >= limit:
        raise LimitReached(_("You can keep at most %(limit)s wishlists.") % {"limit": limit})
    try:
        with transaction.atomic():
            return Wishlist.objects.create(owner=user, name=name)
    except IntegrityError:
        raise NameTaken(_("You already have a wishlist called “%(name)s”.") % {"name": name}) from None


def default_list(user) -> Wishlist:
    """``user``'s first list, made ("My wishlist") when they have none."""
    wishlist = Wishlist.objects.owned_by(user).first()
    if wishlist is not None:
        return wishlist
    wishlist, _created = Wishlist.objects.get_or_create(owner=user, name=_("My wishlist"))
    return wishlist


def rename_list(wishlist, name) -> Wishlist:
    """Rename ``wishlist``; :class:`NameTaken` when another of the owner's lists has the name."""
    name = clean_name(name)
    if Wishlist.objects.filter(owner_id=wishlist.owner_id, name__iexact=name).exclude(pk=wishlist.pk).exists():
        raise NameTaken(_("You already have a wishlist called “%(name)s”.") % {"name": name})
    wishlist.name = name
    try:
        with transaction.atomic():
            wishlist.save(update_fields=["name", "updated"])
    except IntegrityError:
        raise NameTaken(_("You already have a wishlist called “%(name)s”.") % {"name": name}) from None
    return wishlist


def add_product(wishlist, product) -> tuple[WishlistItem, bool]:
    """Put ``product`` on ``wishlist``: ``(item, created)``; a product already there stays once."""
    existing = WishlistItem.objects.filter(wishlist=wishlist, product=product).first()
    if existing is not None:
        return existing, False
    limit = coleman_settings.WISHLISTS_MAX_ITEMS
    if WishlistItem.objects.filter(wishlist=wishlist).count() >= limit:
        raise LimitReached(_("A wishlist holds at most %(limit)s products.") % {"limit": limit})
    try:
        with transaction.atomic():
            return WishlistItem.objects.create(wishlist=wishlist, product=product), True
    except IntegrityError:  # saved by a simultaneous request
        return WishlistItem.objects.get(wishlist=wishlist, product=product), False


def move_to_cart(request, item) -> None:
    """Add one unit of the item's product to the request's cart, then take it off the list.

    The cart's own rules apply (stock, limits, discontinued products): a
    :class:`~coleman.cart.exceptions.CartError` leaves both the cart and the list unchanged.
    """
    Cart.from_request(request).add(item.product, 1)
    item.delete()


def share(wishlist) -> Wishlist:
    """Give ``wishlist`` a new private link; any earlier link stops working."""
    wishlist.share_token = new_share_token()
    wishlist.save(update_fields=["share_token", "updated"])
    return wishlist


def revoke_share(wishlist) -> Wishlist:
    """Stop ``wishlist``'s private link from working."""
    wishlist.share_token = None
    wishlist.save(update_fields=["share_token", "updated"])
    return wishlist


def shared_list(pk, token) -> Wishlist:
    """The list ``pk`` if ``token`` is its current share token; :class:`NotFound` otherwise."""
    wishlist = (
        Wishlist.objects.select_related("owner")
        .filter(pk=parse_id(str(pk), _("wishlist")), share_token__isnull=False)
        .first()
    )
    if wishlist is None or not wishlist.share_token_matches(str(token)):
        raise NotFound(_("This shared wishlist does not exist, or its link was changed or turned off."))
    return wishlist


# --- back-in-stock alerts ---------------------------------------------------------------


def request_alert(product, *, user=None, email="") -> tuple[StockAlert, bool]:
    """Make ``product``'s waiting alert for a customer (``user``) or a confirmed guest (``email``).

    Returns ``(alert, created)``; asking again while an alert waits changes nothing.
    """
    if user is not None:
        lookup = {"product": product, "user": user, "sent_at__isnull": True}
        defaults = {"email": user.email}
    else:
        lookup = {"product": product, "user__isnull": True, "email__iexact": email, "sent_at__isnull": True}
        defaults = {"email": email}
    existing = StockAlert.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    fields = {"product": product, "user": user, **defaults}
    try:
        with transaction.atomic():
            return StockAlert.objects.create(**fields), True
    except IntegrityError:  # the same shopper, a moment earlier
        return StockAlert.objects.get(**lookup), False


def alert_token(product, email) -> str:
    """The signed, timestamped token of a guest's "email me" confirmation link."""
    return signing.dumps({"p": product.pk, "e": email}, salt=ALERT_TOKEN_SALT, compress=True)


def read_alert_token(token) -> tuple[Product, str]:
    """The product and email a confirmation token was made for; :class:`BadToken` if it is
    malformed, tampered with or older than ``COLEMAN_WISHLISTS_ALERT_CONFIRM_DAYS``."""
    max_age = coleman_settings.WISHLISTS_ALERT_CONFIRM_DAYS * 86400
    try:
        data = signing.loads(str(token), salt=ALERT_TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(_("This confirmation link has expired. Please ask for the email again.")) from None
    except signing.BadSignature:
        raise BadToken(_("This confirmation link is not valid. Please ask for the email again.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or type(data.get("p")) is not int:
        raise BadToken(_("This confirmation link is not valid. Please ask for the email again."))
    return get_product(str(data["p"])), data["e"]


def send_waiting_alerts(product_id) -> int:
    """Email everyone waiting for product ``product_id`` if it is active and in stock.

    The waiting alerts are claimed with one UPDATE that marks them sent under a fresh batch
    id, so however many times this runs (the stock changed twice, two workers), each alert
    is emailed once. Returns the number of emails queued.
    """
    product = Product.objects.active().filter(pk=product_id).first()
    if product is None or not product.in_stock:
        return 0
    batch = uuid.uuid4()
    claimed = StockAlert.objects.waiting().filter(product=product).update(sent_at=timezone.now(), batch=batch)
    if not claimed:
        return 0
    link = absolute_url(product.get_absolute_url())
    alerts = StockAlert.objects.filter(batch=batch).select_related("user")
    for alert in alerts:
        send_templated_mail(
            to=alert.recipient,
            subject_template="wishlists/email/back_in_stock_subject.txt",
            body_template="wishlists/email/back_in_stock_body.txt",
            context={"product": product, "product_url": link},
        )
    return claimed
