"""Order models, after chapters 3 and 5 of the book.

An ``Order`` keeps a snapshot of what was sold (names, prices, weights), where it ships and
what it cost, so later catalog edits never change a placed order. Its ``status`` points at a
``StatusCode`` row; every change of status is recorded in ``OrderStatusChange`` and made only
by ``coleman.orders.services.transition``.
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coleman.core.addresses import MAX_LENGTHS

from .statuses import Status

# Order numbers use digits and capitals without look-alikes (no 0/O, 1/I/L), read aloud easily.
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def generate_order_number() -> str:
    """A random, hard-to-guess order number such as ``K7Q4-M9XD``."""
    chars = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class StatusCode(models.Model):
    """A step of the order pipeline, such as "PAID: Payment Received"."""

    short_name = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("status code")
        verbose_name_plural = _("status codes")

    def __str__(self):
        return self.name


class OrderQuerySet(models.QuerySet):
    """Query logic for orders."""

    def for_user(self, user):
        """Orders placed by ``user`` (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def with_status(self, *short_names):
        """Orders in any of the given statuses."""
        return self.filter(status_id__in=short_names)

    def abandoned(self, days):
        """NEW orders placed more than ``days`` days ago and never paid for."""
        cutoff = timezone.now() - timezone.timedelta(days=days)
        return self.filter(status_id=Status.NEW, placed_at__lt=cutoff)


class Order(models.Model):
    """A customer's order: what they bought, at what price, where it ships, and its status."""

    number = models.CharField(max_length=20, unique=True, default=generate_order_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="orders",
        help_text=_("Empty for guest orders."),
    )
    email = models.EmailField(help_text=_("Where order updates are sent."))
    status = models.ForeignKey(
        StatusCode, on_delete=models.PROTECT, to_field="short_name", default=Status.NEW, related_name="orders"
    )
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    shipping = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    total = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    # The pricing breakdown (coleman.cart.pricing) as it was when the order was placed:
    # total = subtotal − discount + shipping + tax (tax only when it is not included in prices).
    discount = models.DecimalField(
        _("discount"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    tax = models.DecimalField(_("tax"), max_digits=12, decimal_places=2, default=0)
    tax_included = models.BooleanField(
        _("tax included in prices"), default=False, help_text=_("VAT: the tax is part of the prices, not added.")
    )
    shipping_tax = models.DecimalField(_("tax on shipping"), max_digits=12, decimal_places=2, default=0)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=6, decimal_places=4, blank=True, null=True)
    tax_description = models.CharField(_("tax"), max_length=200, blank=True)
    voucher_code = models.CharField(_("voucher code"), max_length=40, blank=True)
    shipping_method = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    comments = models.TextField(blank=True, help_text=_("The customer's notes at checkout."))
    # The store's one address (coleman.core.addresses): the checkout and address book forms
    # are sized to these columns.
    ship_name = models.CharField(_("name"), max_length=MAX_LENGTHS["name"])
    ship_line1 = models.CharField(_("address line 1"), max_length=MAX_LENGTHS["line1"])
    ship_line2 = models.CharField(_("address line 2"), max_length=MAX_LENGTHS["line2"], blank=True)
    ship_line3 = models.CharField(_("address line 3"), max_length=MAX_LENGTHS["line3"], blank=True)
    ship_city = models.CharField(_("city"), max_length=MAX_LENGTHS["city"])
    ship_state = models.CharField(_("state or region"), max_length=MAX_LENGTHS["state"], blank=True)
    ship_postal_code = models.CharField(_("postal code"), max_length=MAX_LENGTHS["postal_code"])
    ship_country = models.CharField(
        _("country"), max_length=MAX_LENGTHS["country"], help_text=_("ISO 3166 code, e.g. US.")
    )
    checkout_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # The session whose cart became this order: the cart stays there until the order is paid
    # (then it is emptied), so a declined or cancelled payment leaves the shopper's cart as it was.
    cart_session_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    placed_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["user", "-placed_at"], name="orders_user_placed_idx"),
            models.Index(fields=["status", "placed_at"], name="orders_status_placed_idx"),
        ]

    def __str__(self):
        return f"Order {self.number}"

    def get_absolute_url(self):
        return reverse("orders:detail", kwargs={"number": self.number})

    @property
    def tax_added(self):
        """The tax added on top of the prices (0 when it is included in them)."""
        return 0 if self.tax_included else self.tax

    @property
    def shipping_address(self) -> dict:
        """The shipping address snapshot as the dict ``make_order_from_cart`` takes."""
        return {
            "name": self.ship_name,
            "line1": self.ship_line1,
            "line2": self.ship_line2,
            "line3": self.ship_line3,
            "city": self.ship_city,
            "state": self.ship_state,
            "postal_code": self.ship_postal_code,
            "country": self.ship_country,
        }

    @property
    def shipping_address_lines(self) -> list[str]:
        """The address as lines to print on a label or a page."""
        city_line = " ".join(part for part in [self.ship_city, self.ship_state, self.ship_postal_code] if part)
        parts = [
            self.ship_name,
            self.ship_line1,
            self.ship_line2,
            self.ship_line3,
            city_line,
            self.ship_country,
        ]
        return [part for part in parts if part]


class ProductInOrder(models.Model):
    """One line of an order, with the product's name, price and weight as sold."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "products.Product", on_delete=models.SET_NULL, blank=True, null=True, related_name="order_lines"
    )
    variant = models.ForeignKey(
        "products.ProductVariant", on_delete=models.SET_NULL, blank=True, null=True, related_name="order_lines"
    )
    name = models.CharField(max_length=300)
    sku = models.CharField(_("product slug"), max_length=150, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, blank=True, null=True, validators=[MinValueValidator(0)]
    )
    price_note = models.CharField(_("why the price differs"), max_length=300, blank=True)
    tax = models.DecimalField(_("tax"), max_digits=12, decimal_places=2, default=0)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    line_total = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    weight = models.DecimalField(_("unit weight (lb)"), max_digits=9, decimal_places=3, blank=True, null=True)
    stock_reserved = models.BooleanField(
        default=False, help_text=_("The quantity was taken from tracked stock when the order was placed.")
    )
    comments = models.TextField(blank=True)

    class Meta:
        verbose_name = _("order line")
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} × {self.name}"


class OrderAdjustment(models.Model):
    """A discount on an order as placed: an automatic offer or a voucher, with its reason and tax."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("Automatic offer")
        VOUCHER = "voucher", _("Voucher")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    code = models.CharField(_("code"), max_length=40, blank=True)
    amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    tax = models.DecimalField(_("tax"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        ordering = ["id"]

    def __str__(self):
        return f"{self.reason}: -{self.amount}"


class OrderStatusChange(models.Model):
    """One step of an order's history: who or what moved it, from where to where, when, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.ForeignKey(
        StatusCode, on_delete=models.PROTECT, to_field="short_name", null=True, blank=True, related_name="+"
    )
    to_status = models.ForeignKey(StatusCode, on_delete=models.PROTECT, to_field="short_name", related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(
        max_length=150,
        blank=True,
        help_text=_("Who or what made the change: a user name, 'system', a processor."),
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status_id or '—'} → {self.to_status_id}"


class OrderFeedback(models.Model):
    """A message in an order's feedback thread, from the customer or a staff reply (the book's CRM)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_staff_reply = models.BooleanField(_("staff reply"), default=False)
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback message")
        ordering = ["created_at", "id"]

    def __str__(self):
        who = "Staff" if self.is_staff_reply else "Customer"
        return f"{who} on {self.order.number if self.order_id else '?'}"
