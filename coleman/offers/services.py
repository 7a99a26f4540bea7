"""Voucher operations: look a code up, check who may use it, and count a use exactly.

Pricing (``coleman.cart.pricing``) calls :func:`find_voucher` and :func:`check_customer`;
placing an order calls :func:`redeem_voucher` inside the order's transaction, where one
conditional ``UPDATE … SET uses = uses + 1 WHERE uses < max_uses`` decides who gets the last
use (its row lock also serialises the per-customer count that follows).
"""

import re

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money

from .exceptions import MalformedVoucherCode, UnknownVoucher, VoucherNotValidNow, VoucherUsedUp
from .models import Voucher, VoucherUse, normalise_code

_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]*")


def clean_code(raw) -> str:
    """``raw`` as a voucher code, or :class:`MalformedVoucherCode` (no query is made for junk)."""
    code = normalise_code(raw)
    if not code:
        raise MalformedVoucherCode(_("Please enter a voucher code."))
    if len(code) > coleman_settings.OFFERS_VOUCHER_CODE_MAX_LENGTH or not _CODE.fullmatch(code):
        raise MalformedVoucherCode(_("That is not a voucher code: codes are letters and digits."))
    return code


def find_voucher(raw, now=None) -> Voucher:
    """The voucher for the code ``raw`` if it can be used now (one query), else a :class:`VoucherError`."""
    code = clean_code(raw)
    voucher = Voucher.objects.filter(code=code, is_active=True).first()
    if voucher is None:
        raise UnknownVoucher(_("We do not know the voucher code %(code)s.") % {"code": code})
    now = now or timezone.now()
    if voucher.starts_at > now:
        raise VoucherNotValidNow(_("The voucher %(code)s is not valid yet.") % {"code": code})
    if voucher.ends_at is not None and voucher.ends_at <= now:
        raise VoucherNotValidNow(_("The voucher %(code)s has expired.") % {"code": code})
    if voucher.max_uses is not None and voucher.uses >= voucher.max_uses:
        raise VoucherUsedUp(_("The voucher %(code)s has been used up.") % {"code": code})
    return voucher


def _uses_by(voucher, *, user=None, email=""):
    who = Q(email__iexact=str(email or "").strip()) if email else Q(pk__in=[])
    if user is not None and getattr(user, "is_authenticated", False):
        who |= Q(user=user)
    return VoucherUse.objects.filter(who, voucher=voucher)


def check_customer(voucher, *, user=None, email="") -> None:
    """:class:`VoucherUsedUp` when this customer (account or email) used up their uses (one query
    when the voucher limits uses per customer and the customer is known, else none)."""
    limit = voucher.max_uses_per_customer
    if limit is None or not (email or getattr(user, "is_authenticated", False)):
        return
    if _uses_by(voucher, user=user, email=email).count() >= limit:
        raise VoucherUsedUp(_("You have already used the voucher %(code)s.") % {"code": voucher.code})


def redeem_voucher(voucher, *, user=None, email="", order_number="", discount=0) -> VoucherUse:
    """Count one use of ``voucher`` for an order; call inside the order's transaction.

    The total is taken with one conditional update (exact however many checkouts race); the
    per-customer count is checked after it, under the row lock that update holds. Raises
    :class:`VoucherUsedUp` (the transaction then rolls the count back).
    """
    taken = (
        Voucher.objects.filter(pk=voucher.pk, is_active=True)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if taken != 1:
        raise VoucherUsedUp(_("Sorry, the voucher %(code)s has just been used up.") % {"code": voucher.code})
    check_customer(voucher, user=user, email=email)
    return VoucherUse.objects.create(
        voucher=voucher,
        user=user if getattr(user, "is_authenticated", False) else None,
        email=str(email or "").strip()[:254],
        order_number=order_number,
        discount=to_money(discount),
    )


__all__ = ["check_customer", "clean_code", "find_voucher", "redeem_voucher"]
