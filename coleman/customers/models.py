"""Customer profiles and their address books.

``Customer`` is the profile of a user (one-to-one with ``settings.AUTH_USER_MODEL``), made
automatically when a user is created (see :mod:`.receivers`). ``CustomerAddress`` is one
entry of the customer's address book; one of them may be the default shipping address.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import BooleanField, Case, F, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from coleman.core.addresses import DEFAULT_COUNTRY, MAX_LENGTHS, apply_country_rules

phone_number_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{6,24}$",
    _("Enter a phone number: digits, spaces and + ( ) . - only, for example +1 555 010 0199."),
)


class CustomerQuerySet(models.QuerySet):
    """Queries over customer profiles."""

    def for_admin(self):
        """Customers with their user and an address count, for the admin change list."""
        return self.select_related("user").annotate(address_count=models.Count("addresses"))


class Customer(models.Model):
    """The store's profile of a user: phone number and default shipping address.

    Name and email stay on the user model; this adds what a store needs to ship goods.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer")
    phone_number = models.CharField(max_length=32, blank=True, validators=[phone_number_validator])
    default_address = models.ForeignKey(
        "CustomerAddress",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where orders are shipped unless the customer chooses another address."),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.full_name or self.user.get_username()

    def get_absolute_url(self):
        return reverse("customers:profile")

    def clean(self):
        if self.default_address_id and self.default_address.customer_id != self.pk:
            raise ValidationError({"default_address": _("Choose one of this customer's own addresses.")})

    @property
    def full_name(self):
        """The user's first and last name, or an empty string."""
        return self.user.get_full_name()

    @property
    def email(self):
        """The user's email address."""
        return self.user.email


class CustomerAddressQuerySet(models.QuerySet):
    """Queries over address-book entries."""

    def owned_by(self, user):
        """The addresses of ``user`` (none for an anonymous or unsaved user)."""
        if not getattr(user, "is_authenticated", False) or user.pk is None:
            return self.none()
        return self.filter(customer__user=user)

    def default_first(self):
        """Annotate ``is_default`` and order the default address first, then by name."""
        return self.annotate(
            is_default=Case(
                When(customer__default_address_id=F("pk"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ).order_by("-is_default", "name", "pk")


class CustomerAddress(models.Model):
    """One address in a customer's address book.

    Biased toward US addresses like the book's model (a US address needs a valid state and
    ZIP code) but any country works: elsewhere the state or region is free text. Fields,
    lengths and rules are the store's one address (:mod:`coleman.core.addresses`), the same
    as an order's shipping address.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(_("full name"), max_length=MAX_LENGTHS["name"], help_text=_("Who receives the parcel."))
    line1 = models.CharField(_("address line 1"), max_length=MAX_LENGTHS["line1"])
    line2 = models.CharField(_("address line 2"), max_length=MAX_LENGTHS["line2"], blank=True)
    line3 = models.CharField(_("address line 3"), max_length=MAX_LENGTHS["line3"], blank=True)
    city = models.CharField(max_length=MAX_LENGTHS["city"])
    state = models.CharField(
        _("state / region"),
        max_length=MAX_LENGTHS["state"],
        blank=True,
        help_text=_("For US addresses, the state: CA or California."),
    )
    postal_code = models.CharField(max_length=MAX_LENGTHS["postal_code"])
    country = CountryField(default=DEFAULT_COUNTRY)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CustomerAddressQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")

    def __str__(self):
        parts = [self.name, self.line1, self.city, self.state, self.postal_code, self.country.code]
        return ", ".join(part for part in parts if part)

    def get_absolute_url(self):
        return reverse("customers:address-edit", args=[self.pk])

    def clean(self):
        address = {"country": self.country.code, "state": self.state, "postal_code": (self.postal_code or "").strip()}
        errors = apply_country_rules(address)
        if errors:
            raise ValidationError(errors)
        self.state, self.postal_code = address["state"], address["postal_code"]

    @property
    def lines(self):
        """The non-empty address lines, in order."""
        return [line for line in (self.line1, self.line2, self.line3) if line]

    def as_shipping_dict(self):
        """This address as the plain dict orders store on an order (contract with orders)."""
        return {
            "name": self.name,
            "line1": self.line1,
            "line2": self.line2,
            "line3": self.line3,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
            "country": self.country.code,
        }
