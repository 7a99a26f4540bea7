"""Digital goods and subscriptions (book chapter 9).

A digital product (``Product.is_digital``) may have downloadable files (:class:`DigitalAsset`,
kept on private storage), a pool of license keys (:class:`LicenseKey`) and a subscription plan
(:class:`SubscriptionPlan`). When an order with digital lines is paid, each such line gets one
:class:`Entitlement`: the customer's right to download the files (a limited number of times,
optionally until a date), the keys handed to them and the subscription time it bought. Every
download is recorded (:class:`Download`).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coleman.orders.statuses import PAID_OR_LATER

from .storage import get_asset_storage


def asset_upload_to(asset, filename):
    """Files are stored under ``products/<product slug>/<file name>`` (the storage cleans the name)."""
    return f"products/{asset.product.slug}/{filename}"


class DigitalAsset(models.Model):
    """A file a digital product delivers, kept on private storage (local folder or S3)."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="digital_assets")
    title = models.CharField(max_length=200, help_text="What the customer sees, e.g. “The CranStore Cookbook (PDF)”.")
    file = models.FileField(upload_to=asset_upload_to, storage=get_asset_storage, max_length=500)
    content_type = models.CharField(max_length=100, blank=True, help_text="Blank: guessed from the file name.")
    size = models.PositiveBigIntegerField(default=0, editable=False, help_text="Bytes, measured on upload.")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "downloadable file"
        ordering = ["product_id", "position", "id"]

    def __str__(self):
        return self.title

    @property
    def filename(self):
        """The file's own name, without folders (what the customer's browser saves it as)."""
        return self.file.name.rsplit("/", 1)[-1]


class LicenseKey(models.Model):
    """A license key in a product's pool; handed to one entitlement, once."""

    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="license_keys")
    key = models.CharField(max_length=200)
    entitlement = models.ForeignKey(
        "Entitlement", on_delete=models.SET_NULL, null=True, blank=True, related_name="license_keys"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "license key"
        ordering = ["product_id", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "key"], name="digital_key_unique_per_product")]
        indexes = [models.Index(fields=["product", "entitlement"], name="digital_key_pool_idx")]

    def __str__(self):
        return self.key


class SubscriptionPlan(models.Model):
    """Buying this product grants ``group`` for ``period_days`` days (bought again: longer)."""

    product = models.OneToOneField("products.Product", on_delete=models.CASCADE, related_name="subscription_plan")
    period_days = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="Days one unit buys.")
    group = models.ForeignKey(
        "auth.Group", on_delete=models.PROTECT, related_name="+", help_text="The access a subscriber gets."
    )

    class Meta:
        verbose_name = "subscription plan"

    def __str__(self):
        return f"{self.product}: {self.period_days} days of {self.group}"


class SubscriptionQuerySet(models.QuerySet):
    """Query logic for subscriptions."""

    def active(self, now=None):
        """Subscriptions running now."""
        now = now or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now)

    def due_to_expire(self, now=None):
        """Subscriptions that have ended and whose access has not been removed yet."""
        return self.filter(ends_at__lte=now or timezone.now(), expired_at__isnull=True)


class Subscription(models.Model):
    """A customer's subscription to a plan, from ``starts_at`` to ``ends_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(SubscriptionPlan, on_delete=models.PROTECT, related_name="subscriptions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    expired_at = models.DateTimeField(
        null=True, blank=True, help_text="When expire_subscriptions removed the access (empty while running)."
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "plan"], name="digital_one_subscription_per_plan")]
        indexes = [models.Index(fields=["ends_at", "expired_at"], name="digital_sub_expiry_idx")]

    def __str__(self):
        return f"{self.user} – {self.plan.product}"

    def is_active(self, now=None):
        """True while the subscription runs."""
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at


class EntitlementQuerySet(models.QuerySet):
    """Query logic for entitlements."""

    def for_user(self, user):
        """A customer's entitlements (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def for_page(self):
        """With everything a downloads list shows, in a fixed number of queries."""
        return self.select_related("order", "product__subscription_plan").prefetch_related(
            "product__digital_assets", "license_keys"
        )


class Entitlement(models.Model):
    """What one paid order line gives its customer: downloads, keys, subscription time.

    Usable while the order is paid (PAID, SHIPPED, CLOSED), not revoked, not expired and with
    downloads left. ``downloads_used`` only grows through the conditional UPDATE in
    :func:`coleman.digital.services.start_download`, so the limit holds under concurrency.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="entitlements")
    line = models.OneToOneField("orders.ProductInOrder", on_delete=models.CASCADE, related_name="entitlement")
    product = models.ForeignKey(
        "products.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="entitlements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="entitlements"
    )
    download_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    downloads_used = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")
    activated_at = models.DateTimeField(null=True, blank=True, help_text="When the order was first seen paid.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=200, blank=True)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="entitlements"
    )
    subscription_days = models.PositiveIntegerField(default=0, help_text="Days this purchase added.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(download_limit__isnull=True) | Q(downloads_used__lte=F("download_limit")),
                name="digital_downloads_within_limit",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="digital_ent_user_idx")]

    def __str__(self):
        return f"{self.line.name if self.line_id else self.product} ({self.order.number})"

    @property
    def name(self):
        """The product's name as sold."""
        return self.line.name

    @property
    def downloads_left(self):
        """Downloads still allowed (None: no limit)."""
        if self.download_limit is None:
            return None
        return max(0, self.download_limit - self.downloads_used)

    def unavailable_reason(self, now=None):
        """Why the customer cannot download now, in words; None when they can."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "Access to this purchase was withdrawn."
        if self.order.status_id not in PAID_OR_LATER:
            return "Downloads open once the payment is confirmed."
        if self.expires_at is not None and self.expires_at <= now:
            return "Access to this purchase has expired."
        if self.download_limit is not None and self.downloads_used >= self.download_limit:
            return "You have used all the downloads of this purchase."
        return None

    @property
    def is_usable(self):
        """True when the customer can download now."""
        return self.unavailable_reason() is None


class Download(models.Model):
    """One download: when, of which file, from which address and browser."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="downloads")
    asset = models.ForeignKey(DigitalAsset, on_delete=models.SET_NULL, null=True, related_name="downloads")
    started_at = models.DateTimeField(default=timezone.now)
    ip_address = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.asset or 'file'} at {self.started_at:%Y-%m-%d %H:%M}"


def access_expiry(days, now=None):
    """The expiry of access granted now for ``days`` days (None: no expiry)."""
    if days is None:
        return None
    return (now or timezone.now()) + timedelta(days=days)
