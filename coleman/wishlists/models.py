"""Wishlists, their items, and the shoppers waiting for a product to come back in stock."""

import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coleman.products.models import Product

SHARE_TOKEN_BYTES = 24  # 32 URL-safe characters


def new_share_token() -> str:
    """A fresh random token for a wishlist's private link."""
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


class WishlistQuerySet(models.QuerySet):
    """Query helpers for :class:`Wishlist`."""

    def owned_by(self, user):
        """The lists of ``user``, oldest first (the first is the default list)."""
        return self.filter(owner=user).order_by("created", "id")

    def with_items(self):
        """Each list with its items and their products (with category), two queries in all."""
        return self.prefetch_related(
            models.Prefetch(
                "items", queryset=WishlistItem.objects.select_related("product__category").order_by("-added", "-id")
            )
        )


class Wishlist(models.Model):
    """A customer's named list of products; the private link works while ``share_token`` is set."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlists", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=100)
    share_token = models.CharField(_("share token"), max_length=64, blank=True, null=True, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = WishlistQuerySet.as_manager()

    class Meta:
        verbose_name = _("wishlist")
        verbose_name_plural = _("wishlists")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="wishlists_unique_name_per_owner"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("wishlists:detail", kwargs={"pk": self.pk})

    @property
    def is_shared(self) -> bool:
        """True while the list's private link works."""
        return bool(self.share_token)

    def get_share_url(self) -> str:
        """The path of the list's private link ('' while it is not shared)."""
        if not self.share_token:
            return ""
        return reverse("wishlists:shared", kwargs={"pk": self.pk, "token": self.share_token})

    def share_token_matches(self, token: str) -> bool:
        """Whether ``token`` opens this list (compared in constant time; never while revoked)."""
        return bool(self.share_token) and hmac.compare_digest(self.share_token.encode(), token.encode())


class WishlistItem(models.Model):
    """One product on one wishlist (a product is on a list at most once)."""

    wishlist = models.ForeignKey(Wishlist, on_delete=models.CASCADE, related_name="items", verbose_name=_("wishlist"))
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="wishlist_items", verbose_name=_("product")
    )
    added = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        ordering = ["-added", "-id"]
        constraints = [models.UniqueConstraint(fields=["wishlist", "product"], name="wishlists_product_once_per_list")]

    def __str__(self):
        return f"{self.product} ({self.wishlist})"


class StockAlertQuerySet(models.QuerySet):
    """Query helpers for :class:`StockAlert`."""

    def waiting(self):
        """Alerts not sent yet."""
        return self.filter(sent_at__isnull=True)


class StockAlert(models.Model):
    """A shopper waiting to be emailed once when ``product`` is back in stock.

    A customer's alert has ``user`` (the email goes to their address at sending time); a
    guest's has only ``email``, confirmed by a signed link before the alert is made. Each
    shopper waits at most once per product; once sent (``sent_at``) they may ask again.
    ``batch`` marks the alerts claimed by one sending, so no alert is sent twice.
    """

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="stock_alerts", verbose_name=_("product")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stock_alerts",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("email"))
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    batch = models.UUIDField(_("sending batch"), null=True, blank=True, editable=False, db_index=True)

    objects = StockAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["product"], condition=Q(sent_at__isnull=True), name="wishlists_alert_waiting_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user"],
                condition=Q(sent_at__isnull=True, user__isnull=False),
                name="wishlists_one_waiting_alert_per_customer",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "product",
                condition=Q(sent_at__isnull=True, user__isnull=True),
                name="wishlists_one_waiting_alert_per_guest",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} → {self.product}"

    @property
    def recipient(self) -> str:
        """Where the email goes: the customer's current address, else the guest's."""
        return (self.user.email if self.user_id and self.user.email else "") or self.email

    @property
    def is_waiting(self) -> bool:
        """True until the alert is sent."""
        return self.sent_at is None


class AwaitedProductQuerySet(models.QuerySet):
    """Products with the number of shoppers waiting for them."""

    def with_waiting_counts(self):
        """Annotate ``waiting`` (alerts not sent yet) on each product."""
        return self.annotate(waiting=Count("stock_alerts", filter=Q(stock_alerts__sent_at__isnull=True)))


class AwaitedProduct(Product):
    """A product seen from the alerts' side: for the staff's "waiting per product" admin page."""

    objects = AwaitedProductQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("awaited product")
        verbose_name_plural = _("awaited products")
