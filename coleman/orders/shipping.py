"""Shipping calculators, chosen with ``COLEMAN_SHIPPING_CALCULATOR``.

A calculator has a ``name`` (shown to the shopper and stored on the order) and
``quote(lines) -> Decimal``. ``lines`` is a :class:`coleman.cart.lines.Lines` (its
``subtotal``, ``count``, ``total_weight`` and ``is_empty``); a session
:class:`coleman.cart.cart.Cart` offers the same totals and may be quoted directly. Empty lines
ship for nothing. Subclass :class:`ShippingCalculator` for carrier rates or a table of your own.
"""

from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money

ZERO = Decimal("0.00")


class ShippingCalculator:
    """Base class: subclasses set ``name`` and implement :meth:`charge`."""

    name = _("Shipping")

    def quote(self, cart) -> Decimal:
        """The shipping charge for ``cart`` (:class:`~coleman.cart.lines.Lines` or a cart; 0 when empty)."""
        if cart.is_empty:
            return ZERO
        return to_money(self.charge(cart))

    def charge(self, cart) -> Decimal:
        """The charge for a non-empty cart."""
        raise NotImplementedError


class FlatRateShipping(ShippingCalculator):
    """One price per order (``COLEMAN_SHIPPING_FLAT_RATE``), whatever it holds."""

    name = _("Flat rate")

    def charge(self, cart):
        return to_money(coleman_settings.SHIPPING_FLAT_RATE)


class PerItemShipping(ShippingCalculator):
    """``COLEMAN_SHIPPING_PER_ITEM`` for each unit in the cart."""

    name = _("Per item")

    def charge(self, cart):
        return to_money(coleman_settings.SHIPPING_PER_ITEM) * cart.count


class WeightTableShipping(ShippingCalculator):
    """A price by total weight from ``COLEMAN_SHIPPING_WEIGHT_TABLE``.

    The table is ``[(up_to_pounds, price), ...]`` ascending; the first row whose limit the
    weight does not exceed gives the price; a last row with ``None`` catches the rest. A cart
    heavier than every row of a table without such a row costs the last row's price.
    """

    name = _("By weight")

    def rows(self):
        """The table as ``(Decimal | None, Decimal)`` rows."""
        return [
            (None if limit is None else Decimal(str(limit)), to_money(price))
            for limit, price in coleman_settings.SHIPPING_WEIGHT_TABLE
        ]

    def charge(self, cart):
        rows = self.rows()
        weight = cart.total_weight
        for limit, price in rows:
            if limit is None or weight <= limit:
                return price
        return rows[-1][1]


class FreeOverThresholdShipping(ShippingCalculator):
    """Free when the subtotal reaches ``COLEMAN_SHIPPING_FREE_OVER``; otherwise the calculator
    named by ``COLEMAN_SHIPPING_FREE_OVER_BASE`` quotes."""

    @property
    def threshold(self) -> Decimal:
        """The subtotal from which shipping is free."""
        return to_money(coleman_settings.SHIPPING_FREE_OVER)

    @property
    def base(self) -> ShippingCalculator:
        """The calculator used below the threshold."""
        return import_string(coleman_settings.SHIPPING_FREE_OVER_BASE)()

    @property
    def name(self):
        return _("%(base)s, free over %(threshold)s") % {"base": self.base.name, "threshold": self.threshold}

    def charge(self, cart):
        if cart.subtotal >= self.threshold:
            return ZERO
        return self.base.quote(cart)


def get_shipping_calculator() -> ShippingCalculator:
    """An instance of the calculator named by ``COLEMAN_SHIPPING_CALCULATOR``."""
    path = coleman_settings.SHIPPING_CALCULATOR
    try:
        calculator_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"COLEMAN_SHIPPING_CALCULATOR: cannot import {path!r}.") from exc
    return calculator_class()
