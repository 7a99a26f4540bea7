"""Tax rate tables staff edit in the admin.

``SalesTaxRate`` serves US sales tax (:class:`coleman.tax.strategies.UsSalesTax`): one row per
state the store collects in, with whether shipping is taxed there. ``VatRate`` serves VAT
included in prices (:class:`coleman.tax.strategies.IncludedVat`): one row per country.
Rates are percentages ("6.25" for Massachusetts).
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

_CODE = RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. MA or DE."))


class SalesTaxRate(models.Model):
    """The sales tax rate of one US state (by the shipping address's state)."""

    state = models.CharField(_("state"), max_length=2, unique=True, validators=[_CODE], help_text=_("e.g. MA"))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("e.g. Massachusetts"))
    rate = models.DecimalField(
        _("rate (%)"), max_digits=6, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    shipping_taxable = models.BooleanField(_("shipping taxable"), default=False)

    class Meta:
        verbose_name = _("sales tax rate")
        verbose_name_plural = _("sales tax rates")
        ordering = ["state"]

    def __str__(self):
        return f"{self.state} {self.rate}%"

    def save(self, *args, **kwargs):
        self.state = (self.state or "").strip().upper()
        super().save(*args, **kwargs)


class VatRate(models.Model):
    """The standard VAT rate of one country (by the shipping address's country)."""

    country = models.CharField(_("country"), max_length=2, unique=True, validators=[_CODE], help_text=_("e.g. DE"))
    rate = models.DecimalField(
        _("rate (%)"), max_digits=6, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["country"]

    def __str__(self):
        return f"{self.country} {self.rate}%"

    def save(self, *args, **kwargs):
        self.country = (self.country or "").strip().upper()
        super().save(*args, **kwargs)
