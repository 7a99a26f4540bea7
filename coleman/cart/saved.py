"""Keeping a logged-in customer's cart against their account, and merging it on login.

:func:`remember` writes the session cart to the customer's :class:`~coleman.cart.models.SavedCart`
(one UPDATE, or an INSERT the first time) whenever the cart changes. :func:`merge_on_login`
(connected to ``user_logged_in``) adds the saved lines to the cart the shopper built before
logging in: quantities of the same product (and variant) are added, capped by the stock and
the store's maximum, and a message says what changed. Logging out leaves the saved cart.
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.utils.translation import ngettext

from .models import SavedCart


def _customer(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def remember(cart) -> None:
    """Write ``cart`` (its session JSON and voucher) to its customer's saved cart, if logged in."""
    user = _customer(cart.request)
    if user is None:
        return
    contents, voucher = cart.session_contents(), cart.voucher_code
    if SavedCart.objects.filter(user=user).update(contents=contents, voucher_code=voucher):
        return
    try:
        with transaction.atomic():
            SavedCart.objects.create(user=user, contents=contents, voucher_code=voucher)
    except IntegrityError:  # created meanwhile by another request of the same customer
        SavedCart.objects.filter(user=user).update(contents=contents, voucher_code=voucher)


def forget_saved_cart(user) -> None:
    """Empty ``user``'s saved cart (their order was paid: its lines must not come back on the
    next login)."""
    SavedCart.objects.filter(user=user).update(contents={}, voucher_code="")


def merge_on_login(request, user, cart_class) -> list[str]:
    """Merge ``user``'s saved cart into the request's cart; returns (and shows) what changed."""
    saved = SavedCart.objects.filter(user=user).first()
    cart = cart_class.from_request(request)
    if saved is None and cart.is_empty_in_session():
        return []  # nothing to merge and nothing to keep: no row for customers who never shop
    notes = []
    if saved is not None and saved.contents:
        notes = cart.merge_entries(saved.contents)
        added = sum(1 for note in notes if note == "added")
        notes = [note for note in notes if note != "added"]
        if added:
            notes.insert(
                0,
                ngettext(
                    "We added %(count)s item from your saved cart.",
                    "We added %(count)s items from your saved cart.",
                    added,
                )
                % {"count": added},
            )
        if saved.voucher_code and not cart.voucher_code:
            cart.set_voucher_code(saved.voucher_code)
    for note in notes:
        messages.info(request, note, fail_silently=True)
    list(cart)  # read the merged lines now: stock caps are applied and said once, here
    remember(cart)
    return notes


__all__ = ["merge_on_login", "remember"]
