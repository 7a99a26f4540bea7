"""Business operations of the digital app: granting and withdrawing what paid orders give,
handing out license keys, counting downloads, running subscriptions.

Every operation here is safe to repeat: granting an order twice creates nothing new, a key is
handed out once, a subscription is extended once per purchase.
"""

import logging
import secrets
from datetime import timedelta

from django.core.mail import mail_managers
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from coleman.conf import coleman_settings
from coleman.core.mail import send_templated_mail
from coleman.orders.models import Order, ProductInOrder
from coleman.orders.statuses import PAID_OR_LATER
from coleman.products.cache import catalog_changed_by_update

from .exceptions import DownloadRefused
from .models import Download, Entitlement, LicenseKey, Subscription, SubscriptionPlan, access_expiry

logger = logging.getLogger("coleman.digital")

#: Longest user agent kept with a download.
USER_AGENT_LENGTH = Download._meta.get_field("user_agent").max_length


# --- license keys -------------------------------------------------------------------------


def generate_key() -> str:
    """A software key in the book's form, such as ``1456-1514-3657-2198`` (random digits)."""
    digits = "".join(secrets.choice("0123456789") for _ in range(16))
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def add_license_keys(product, keys) -> int:
    """Add ``keys`` (strings; blanks and keys already in the pool are skipped) to ``product``'s pool.

    A product with a key pool tracks stock: each new key adds one unit, so the store never
    sells more keys than it holds. Returns the number of keys added.
    """
    cleaned = list(dict.fromkeys(key.strip() for key in keys if key and key.strip()))
    with transaction.atomic():
        known = set(LicenseKey.objects.filter(product=product, key__in=cleaned).values_list("key", flat=True))
        new = [LicenseKey(product=product, key=key[:200]) for key in cleaned if key not in known]
        LicenseKey.objects.bulk_create(new)
        if new:
            type(product).objects.filter(pk=product.pk).update(stock=Coalesce(F("stock"), Value(0)) + len(new))
            catalog_changed_by_update()
    return len(new)


def generate_license_keys(product, count) -> int:
    """Add ``count`` newly generated keys to ``product``'s pool; returns how many were added."""
    keys = set()
    while len(keys) < count:
        keys.add(generate_key())
    return add_license_keys(product, keys)


def withdraw_unused_keys(keys) -> int:
    """Delete the keys of ``keys`` (a queryset) that nobody holds, taking them out of stock."""
    withdrawn = 0
    with transaction.atomic():
        for key in keys.select_for_update().filter(entitlement__isnull=True).select_related("product"):
            key.delete()
            type(key.product).objects.filter(pk=key.product_id, stock__gt=0).update(stock=F("stock") - 1)
            withdrawn += 1
        if withdrawn:
            catalog_changed_by_update()
    return withdrawn


def _hand_out_keys(entitlement, product, count, now):
    """Give ``count`` free keys of ``product``'s pool to ``entitlement``, each at most once.

    The free keys are locked (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL: two orders
    paid at the same moment take different keys) and handed out with a conditional UPDATE.
    """
    free = LicenseKey.objects.select_for_update(skip_locked=True).filter(product=product, entitlement__isnull=True)
    ids = list(free.order_by("id").values_list("pk", flat=True)[:count])
    taken = LicenseKey.objects.filter(pk__in=ids, entitlement__isnull=True).update(
        entitlement=entitlement, assigned_at=now
    )
    if taken < count:
        logger.error("digital: %s needs %d license keys, the pool gave %d", entitlement, count, taken)
        transaction.on_commit(
            lambda: mail_managers(
                f"License keys ran out: {product}",
                f"Order {entitlement.order.number} needs {count} keys of {product}; only {taken} were free.\n"
                "Add keys in the admin (Digital goods → License keys) and assign them to the purchase.",
            )
        )
    return taken


# --- entitlements -------------------------------------------------------------------------


def _digital_lines(order):
    return list(
        ProductInOrder.objects.filter(order=order, product__is_digital=True)
        .select_related("product__subscription_plan__group")
        .order_by("pk")
    )


def _create_entitlement(order, line, now):
    entitlement = Entitlement(
        order=order,
        line=line,
        product=line.product,
        user_id=order.user_id,
        download_limit=coleman_settings.DIGITAL_DOWNLOAD_LIMIT,
    )
    try:
        with transaction.atomic():
            entitlement.save(force_insert=True)
    except IntegrityError:  # granted meanwhile by another process
        return Entitlement.objects.get(line=line)
    if LicenseKey.objects.filter(product=line.product).exists():
        _hand_out_keys(entitlement, line.product, line.quantity, now)
    return entitlement


def _activate(entitlement, line, now):
    """Open a created entitlement once its order is paid (once: a conditional UPDATE decides)."""
    expires_at = entitlement.expires_at or access_expiry(coleman_settings.DIGITAL_ACCESS_DAYS, now)
    opened = Entitlement.objects.filter(pk=entitlement.pk, activated_at__isnull=True, revoked_at__isnull=True).update(
        activated_at=now, expires_at=expires_at
    )
    if not opened:
        return False
    entitlement.activated_at, entitlement.expires_at = now, expires_at
    if entitlement.license_keys.exists():
        # The keys are delivered: cancelling the order later must not put them back on the shelf.
        ProductInOrder.objects.filter(pk=line.pk).update(stock_reserved=False)
    plan = getattr(line.product, "subscription_plan", None)
    if plan is not None and entitlement.user_id is not None:
        _subscribe(entitlement, plan, entitlement.user, line.quantity, now)
    return True


def grant_for_order(order) -> list[Entitlement]:
    """Create, once, an entitlement per digital line of ``order``, and open them if it is paid.

    Safe to call any number of times and from concurrent processes (the order row is locked).
    Lines get their license keys when their entitlement is created; paid orders' entitlements
    get their expiry and subscription time when opened. Returns the order's entitlements.
    """
    if not ProductInOrder.objects.filter(order=order, product__is_digital=True).exists():
        return []  # nothing to grant (most orders): no transaction, no lock
    now = timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        existing = {entitlement.line_id: entitlement for entitlement in Entitlement.objects.filter(order=locked)}
        entitlements = []
        for line in _digital_lines(locked):
            entitlement = existing.get(line.pk) or _create_entitlement(locked, line, now)
            if locked.status_id in PAID_OR_LATER and entitlement.activated_at is None:
                _activate(entitlement, line, now)
            entitlements.append(entitlement)
    return entitlements


def revoke_for_order(order, reason) -> int:
    """Withdraw every entitlement of ``order`` (cancelled or refunded); returns how many.

    Keys of entitlements that were never opened go back to the pool; subscription time bought
    by the order is taken off again (access ends at once when nothing is left).
    """
    now = timezone.now()
    revoked = 0
    with transaction.atomic():
        for entitlement in Entitlement.objects.select_for_update().filter(order=order, revoked_at__isnull=True):
            revoke(entitlement, reason, now=now)
            revoked += 1
    return revoked


def revoke(entitlement, reason, *, now=None):
    """Withdraw one entitlement (staff, cancellation, refund); repeating it changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = Entitlement.objects.filter(pk=entitlement.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoke_reason=str(reason)[:200]
        )
        if not changed:
            return False
        entitlement.revoked_at, entitlement.revoke_reason = now, str(reason)[:200]
        if entitlement.activated_at is None:
            LicenseKey.objects.filter(entitlement=entitlement).update(entitlement=None, assigned_at=None)
        if entitlement.subscription_id and entitlement.subscription_days:
            _shorten(entitlement, now)
    return True


def restore(entitlement):
    """Give back a revoked entitlement (staff); True when it was revoked."""
    return bool(
        Entitlement.objects.filter(pk=entitlement.pk, revoked_at__isnull=False).update(
            revoked_at=None, revoke_reason=""
        )
    )


def reset_downloads(entitlements) -> int:
    """Give ``entitlements`` (a queryset) their full download limit again; returns how many."""
    return entitlements.update(downloads_used=0)


def start_download(entitlement, asset, *, ip_address="", user_agent="") -> Download:
    """Count one download of ``asset`` against ``entitlement`` and record it.

    The count is taken with one conditional UPDATE on the entitlement's row (not revoked, not
    expired, downloads left): of any number of simultaneous requests, exactly as many succeed
    as downloads are left. Raises :class:`DownloadRefused` with the reason otherwise.
    """
    now = timezone.now()
    reason = entitlement.unavailable_reason(now)
    if reason:
        raise DownloadRefused(reason)
    with transaction.atomic():
        counted = (
            Entitlement.objects.filter(pk=entitlement.pk, revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .filter(Q(download_limit__isnull=True) | Q(downloads_used__lt=F("download_limit")))
            .update(downloads_used=F("downloads_used") + 1)
        )
        if not counted:
            entitlement.refresh_from_db(fields=["downloads_used", "download_limit", "revoked_at", "expires_at"])
            raise DownloadRefused(entitlement.unavailable_reason(now) or "This download is not available now.")
        download = Download.objects.create(
            entitlement=entitlement,
            asset=asset,
            started_at=now,
            ip_address=_clean(ip_address)[:45],
            user_agent=_clean(user_agent)[:USER_AGENT_LENGTH],
        )
    entitlement.downloads_used += 1
    return download


def _clean(text):
    """Text a database accepts (PostgreSQL refuses NUL)."""
    return str(text or "").replace("\x00", "")


# --- subscriptions ------------------------------------------------------------------------


def _subscribe(entitlement, plan, user, units, now):
    days = plan.period_days * units
    subscription = extend_subscription(user, plan, days, now=now)
    Entitlement.objects.filter(pk=entitlement.pk).update(subscription=subscription, subscription_days=days)
    entitlement.subscription, entitlement.subscription_days = subscription, days


def extend_subscription(user, plan, days, *, now=None) -> Subscription:
    """Add ``days`` to ``user``'s subscription to ``plan``: from its end while it runs, from now
    when it has lapsed (or never existed). Adds the user to the plan's group."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(user=user, plan=plan).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        user=user, plan=plan, starts_at=now, ends_at=now + timedelta(days=days)
                    )
            except IntegrityError:  # subscribed meanwhile: extend that one
                subscription = Subscription.objects.select_for_update().get(user=user, plan=plan)
            else:
                user.groups.add(plan.group)
                return subscription
        if subscription.ends_at > now:
            subscription.ends_at += timedelta(days=days)
        else:
            subscription.starts_at, subscription.ends_at = now, now + timedelta(days=days)
        subscription.expired_at = None
        subscription.save(update_fields=["starts_at", "ends_at", "expired_at"])
        user.groups.add(plan.group)
    return subscription


def claim_subscription(entitlement, user) -> Subscription | None:
    """Attach the subscription a guest bought to ``user``'s account (once); None when there is
    nothing to claim (no plan, not paid, revoked, or claimed already)."""
    now = timezone.now()
    with transaction.atomic():
        locked = Entitlement.objects.select_for_update().select_related("order", "line").get(pk=entitlement.pk)
        plan = SubscriptionPlan.objects.filter(product_id=locked.product_id).select_related("group").first()
        if plan is None or locked.subscription_id or locked.revoked_at or locked.order.status_id not in PAID_OR_LATER:
            return None
        Entitlement.objects.filter(pk=locked.pk).update(user=user)
        locked.user = user
        _subscribe(locked, plan, user, locked.line.quantity, now)
        return locked.subscription


def _shorten(entitlement, now):
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("plan__group", "user")
        .get(pk=entitlement.subscription_id)
    )
    subscription.ends_at = max(
        subscription.starts_at, subscription.ends_at - timedelta(days=entitlement.subscription_days)
    )
    subscription.save(update_fields=["ends_at"])
    if subscription.ends_at <= now:
        _end_access(subscription, now)


def _end_access(subscription, now):
    """Mark ``subscription`` expired and take its group away unless another running one grants it."""
    subscription.expired_at = now
    subscription.save(update_fields=["expired_at"])
    still_granted = (
        Subscription.objects.active(now)
        .filter(user=subscription.user, plan__group=subscription.plan.group)
        .exclude(pk=subscription.pk)
        .exists()
    )
    if not still_granted:
        subscription.user.groups.remove(subscription.plan.group)


def expire_subscriptions(*, now=None, dry_run=False) -> list[Subscription]:
    """Remove the access of every subscription that has ended, and email its customer.

    Each subscription is re-checked under a row lock (a renewal paid meanwhile wins) and
    handled once: ``expired_at`` records it. Returns the subscriptions expired (or that would
    be, with ``dry_run``).
    """
    now = now or timezone.now()
    expired = []
    due = Subscription.objects.due_to_expire(now).order_by("ends_at").values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update()
                .select_related("plan__group", "plan__product", "user")
                .filter(pk=pk)
                .due_to_expire(now)
                .first()
            )
            if subscription is None:
                continue
            if not dry_run:
                _end_access(subscription, now)
                transaction.on_commit(lambda subscription=subscription: _send_expired_email(subscription))
            expired.append(subscription)
    return expired


def _send_expired_email(subscription):
    if not subscription.user.email:
        return
    try:
        send_templated_mail(
            to=subscription.user.email,
            subject_template="digital/email/subscription_expired_subject.txt",
            body_template="digital/email/subscription_expired_body.txt",
            context={"subscription": subscription, "user": subscription.user, "product": subscription.plan.product},
        )
    except Exception:  # the access is removed either way; the email is a courtesy
        logger.exception("Could not send the subscription-expired email to user %s", subscription.user_id)


def has_subscription(user, group_name, *, now=None) -> bool:
    """True when ``user`` has a running subscription to a plan granting the group ``group_name``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Subscription.objects.active(now).filter(user=user, plan__group__name=group_name).exists()


__all__ = [
    "add_license_keys",
    "claim_subscription",
    "expire_subscriptions",
    "extend_subscription",
    "generate_key",
    "generate_license_keys",
    "grant_for_order",
    "has_subscription",
    "reset_downloads",
    "restore",
    "revoke",
    "revoke_for_order",
    "start_download",
    "withdraw_unused_keys",
]
