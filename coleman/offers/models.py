"""Offers (automatic, no code) and vouchers (a code typed in the cart).

An :class:`Offer` applies by itself while it runs: a percentage off every unit of a catalog,
a category or the whole store (it changes ``Product.get_price()``), or "buy N, pay for M" on
a category. A :class:`Voucher` is a code: a percentage or a fixed amount off the order or off
a category's lines, or free shipping, with a minimum order, a period, a total number of uses
(counted with a conditional update, exact under concurrency) and uses per customer
(:class:`VoucherUse`, one row per order that used it).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalise_code(code) -> str:
    """A voucher code as stored and compared: stripped, upper case."""
    return str(code or "").strip().upper()


class OfferQuerySet(models.QuerySet):
    """Query logic for offers."""

    def running(self, now=None):
        """Offers switched on whose period includes ``now`` (default: now)."""
        now = now or timezone.now()
        return self.filter(is_active=True, starts_at__lte=now).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )


class Offer(models.Model):
    """An automatic offer: no code, it applies while it runs."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off each unit")
        MULTIBUY = "multibuy", _("Buy N, pay for M")

    name = models.CharField(_("name"), max_length=200, help_text=_("Shown to shoppers, e.g. “Autumn sale”."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERCENT)
    percent = models.DecimalField(
        _("percent off"),
        max_digits=5,
        decimal_places=2,
        blank=True,
        null=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    buy_quantity = models.PositiveSmallIntegerField(
        _("buy"), blank=True, null=True, validators=[MinValueValidator(2)], help_text=_("e.g. 3 in “3 for 2”.")
    )
    pay_quantity = models.PositiveSmallIntegerField(
        _("pay for"), blank=True, null=True, validators=[MinValueValidator(1)], help_text=_("e.g. 2 in “3 for 2”.")
    )
    catalog = models.ForeignKey(
        "products.Catalog", on_delete=models.CASCADE, blank=True, null=True, related_name="+", verbose_name=_("catalog")
    )
    category = models.ForeignKey(
        "products.CatalogCategory",
        on_delete=models.CASCADE,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("With its sub-categories. Leave catalog and category empty for the whole store."),
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), blank=True, null=True, help_text=_("Empty: runs until switched off."))
    is_active = models.BooleanField(_("active"), default=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("automatic offer")
        verbose_name_plural = _("automatic offers")
        ordering = ["-starts_at", "id"]
        indexes = [models.Index(fields=["is_active", "starts_at"], name="offers_offer_running_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.kind == self.Kind.PERCENT and not self.percent:
            errors["percent"] = _("A percentage offer needs its percentage.")
        if self.kind == self.Kind.MULTIBUY:
            if not self.buy_quantity or not self.pay_quantity:
                errors["buy_quantity"] = _("“Buy N, pay for M” needs both numbers.")
            elif self.pay_quantity >= self.buy_quantity:
                errors["pay_quantity"] = _("Pay for fewer than you buy.")
            if not self.category_id:
                errors["category"] = _("“Buy N, pay for M” applies to a category.")
        if self.catalog_id and self.category_id:
            errors["catalog"] = _("Choose a catalog or a category, not both.")
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The offer must end after it starts.")
        if errors:
            raise ValidationError(errors)


class Voucher(models.Model):
    """A code a shopper types in the cart for a discount."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off")
        FREE_SHIPPING = "free_shipping", _("Free shipping")

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Letters and digits; not case-sensitive.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True, help_text=_("Shown to shoppers."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Percent, or amount in the store's currency; ignored for free shipping."),
    )
    category = models.ForeignKey(
        "products.CatalogCategory",
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Only on this category's lines (with sub-categories); empty: the whole order."),
    )
    minimum_order = models.DecimalField(
        _("minimum order"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), blank=True, null=True, help_text=_("Empty: no end."))
    max_uses = models.PositiveIntegerField(_("total uses"), blank=True, null=True, help_text=_("Empty: unlimited."))
    max_uses_per_customer = models.PositiveIntegerField(
        _("uses per customer"), blank=True, null=True, help_text=_("Empty: unlimited.")
    )
    uses = models.PositiveIntegerField(_("used"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = normalise_code(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.PERCENT and not (0 < (self.value or 0) <= 100):
            errors["value"] = _("A percentage between 0 and 100.")
        if self.kind == self.Kind.FIXED and not (self.value or 0) > 0:
            errors["value"] = _("An amount above 0.")
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The voucher must end after it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def uses_left(self):
        """Uses left in total, or None when unlimited."""
        return None if self.max_uses is None else max(self.max_uses - self.uses, 0)


class VoucherUse(models.Model):
    """One order that used a voucher (counts the uses per customer)."""

    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, blank=True, null=True, related_name="+"
    )
    email = models.EmailField(_("email"), db_index=True)
    order_number = models.CharField(_("order number"), max_length=20)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        verbose_name = _("voucher use")
        verbose_name_plural = _("voucher uses")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["voucher", "email"], name="offers_use_voucher_email_idx")]

    def __str__(self):
        return f"{self.voucher_id}: {self.order_number}"
