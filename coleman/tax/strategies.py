"""Tax strategies, chosen with ``COLEMAN_TAX_STRATEGY`` (a dotted path).

A strategy gets the taxable amounts of a priced cart (each line's total, each discount, the
shipping charge) and the shipping address, and returns a :class:`TaxResult`: the tax of each
amount, rounded **per amount** with :func:`coleman.core.money.to_money` (half up), their sum,
and whether that tax is *added* to the total (US sales tax) or *included* in the prices (VAT).
Discounts carry negative tax, so the tax of a discounted cart is the tax of its lines minus
the tax of its discounts — the rule a gateway that is given the discount as a negative line
(Google Checkout, with per-line rounding) applies too.

* :class:`NoTax` — the default: no tax.
* :class:`UsSalesTax` — by the shipping state, from the :class:`~coleman.tax.models.SalesTaxRate`
  table; added on top of prices; shipping taxed where the state's row says so.
* :class:`IncludedVat` — by the shipping country (or ``COLEMAN_TAX_DEFAULT_COUNTRY`` before an
  address is known), from :class:`~coleman.tax.models.VatRate`; included in prices and shipping.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money

from .models import SalesTaxRate, VatRate

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


@dataclass
class TaxResult:
    """The tax of a priced cart, amount by amount."""

    lines: list = field(default_factory=list)  # tax of each line, in line order
    discounts: list = field(default_factory=list)  # tax of each discount (negative or 0)
    shipping: Decimal = ZERO
    included: bool = False  # True: contained in the prices (VAT); False: added to the total
    rate: Decimal | None = None  # the percentage applied, None when no rate applies
    region: str = ""  # the state or country whose rate applies
    shipping_taxed: bool = False
    reason: str = ""

    @property
    def total(self) -> Decimal:
        """All the tax: lines + discounts (negative) + shipping."""
        return to_money(sum(self.lines, ZERO) + sum(self.discounts, ZERO) + self.shipping)


class TaxStrategy:
    """Base class: subclasses implement :meth:`compute`."""

    included = False

    def compute(self, line_amounts, discount_amounts, shipping, address) -> TaxResult:
        """The :class:`TaxResult` of the amounts for ``address`` (a dict with ``state`` and
        ``country``, or ``None`` before the shopper gave one)."""
        raise NotImplementedError

    @staticmethod
    def _rated(result, rate, line_amounts, discount_amounts, shipping, *, of):
        """Fill ``result`` with ``of(amount, rate)`` for each amount (discounts negative)."""
        result.rate = rate
        result.lines = [of(amount, rate) for amount in line_amounts]
        result.discounts = [-of(amount, rate) for amount in discount_amounts]
        result.shipping = of(shipping, rate) if result.shipping_taxed else ZERO
        return result


def _added(amount, rate) -> Decimal:
    return to_money(Decimal(amount) * rate / HUNDRED)


def _contained(amount, rate) -> Decimal:
    return to_money(Decimal(amount) * rate / (HUNDRED + rate))


class NoTax(TaxStrategy):
    """No tax at all (the default)."""

    def compute(self, line_amounts, discount_amounts, shipping, address):
        return TaxResult(
            lines=[ZERO for _amount in line_amounts], discounts=[ZERO for _amount in discount_amounts], reason=""
        )


class UsSalesTax(TaxStrategy):
    """US sales tax by the shipping address's state, added to the total."""

    def compute(self, line_amounts, discount_amounts, shipping, address):
        empty = NoTax().compute(line_amounts, discount_amounts, shipping, address)
        state = str((address or {}).get("state") or "").strip().upper()
        country = str((address or {}).get("country") or "US").strip().upper()
        if not state or country != "US":
            empty.reason = _("Sales tax is worked out from your shipping address at checkout.")
            if address and country != "US":
                empty.reason = _("No US sales tax on orders shipped outside the United States.")
            return empty
        row = SalesTaxRate.objects.filter(state=state[:2]).first() if len(state) == 2 else None
        if row is None or not row.rate:
            empty.region = state
            empty.reason = _("No sales tax is collected for %(state)s.") % {"state": state}
            return empty
        result = TaxResult(region=state, shipping_taxed=row.shipping_taxable)
        self._rated(result, row.rate, line_amounts, discount_amounts, shipping, of=_added)
        rate = f"{row.rate.normalize():f}"
        if row.shipping_taxable:
            result.reason = _("%(state)s sales tax %(rate)s%% (shipping taxed)") % {"state": state, "rate": rate}
        else:
            result.reason = _("%(state)s sales tax %(rate)s%%") % {"state": state, "rate": rate}
        return result


class IncludedVat(TaxStrategy):
    """VAT included in displayed prices, at the shipping country's rate (shipping included)."""

    included = True

    def compute(self, line_amounts, discount_amounts, shipping, address):
        country = str((address or {}).get("country") or coleman_settings.TAX_DEFAULT_COUNTRY or "").strip().upper()
        row = VatRate.objects.filter(country=country).first() if len(country) == 2 else None
        if row is None or not row.rate:
            empty = NoTax().compute(line_amounts, discount_amounts, shipping, address)
            empty.included, empty.region = True, country
            empty.reason = _("No VAT is charged for %(country)s.") % {"country": country or "?"}
            return empty
        result = TaxResult(included=True, region=country, shipping_taxed=True)
        self._rated(result, row.rate, line_amounts, discount_amounts, shipping, of=_contained)
        result.reason = _("Includes %(country)s VAT %(rate)s%%") % {
            "country": country,
            "rate": f"{row.rate.normalize():f}",
        }
        return result


def get_tax_strategy() -> TaxStrategy:
    """An instance of the strategy named by ``COLEMAN_TAX_STRATEGY``."""
    path = coleman_settings.TAX_STRATEGY
    try:
        return import_string(path)()
    except ImportError as exc:
        raise ImproperlyConfigured(f"COLEMAN_TAX_STRATEGY: cannot import {path!r}.") from exc


__all__ = ["IncludedVat", "NoTax", "TaxResult", "TaxStrategy", "UsSalesTax", "get_tax_strategy"]
