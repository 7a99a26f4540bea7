"""Exchange rates staff enter (or load from a file) for showing approximate prices.

Prices, orders and payments stay in the store's currency (``COLEMAN_CURRENCY``); a rate only
says how many units of another currency one unit of the store's currency is worth, for the
"≈ €12.34" a shopper who chose that currency sees next to a price.
"""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """One display currency and its rate against the store's currency."""

    code = models.CharField(
        _("code"), max_length=3, unique=True, validators=[RegexValidator(r"^[A-Z]{3}$", _("ISO 4217, e.g. EUR."))]
    )
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. Euro"))
    symbol = models.CharField(_("symbol"), max_length=5, blank=True, help_text=_("e.g. €; blank: the code."))
    rate = models.DecimalField(
        _("rate"),
        max_digits=14,
        decimal_places=6,
        validators=[MinValueValidator(0.000001)],
        help_text=_("Units of this currency for one unit of the store's currency."),
    )
    is_active = models.BooleanField(_("offered to shoppers"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.rate}"

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)
