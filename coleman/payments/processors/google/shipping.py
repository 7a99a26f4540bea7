"""The shipping methods the store offers on Google's checkout page (the cart's ``shipping-methods``).

Two kinds, which Google lets a merchant offer side by side:

* **Flat-rate** options (``<flat-rate-shipping name="…"><price>…</price>``): by default the
  store's own shipping charge (``COLEMAN_SHIPPING_CALCULATOR``'s name and quote, as on the
  order); ``COLEMAN_GOOGLE_SHIPPING_METHODS`` lists more: shipping calculators (dotted paths,
  each quoting the order's lines) and fixed options (``{"name": …, "price": …}``), e.g. the
  book's "USPS Priority Mail" at 4.00 and "Free Shipping" at 0.00.
* **Carrier-calculated** shipping (``COLEMAN_GOOGLE_CARRIER_SHIPPING``): Google asks the
  carriers (FedEx, UPS, USPS) for a rate from each item's weight and the package, adds the
  handling charge (``additional-fixed-charge``) and adjusts it by a percentage
  (``additional-variable-charge-percent``); ``price`` is the default when a carrier cannot
  be reached.

An order with nothing to ship (only digital goods) offers no shipping method at all. The
buyer's choice comes back in the new-order notification's shipping adjustment
(:func:`chosen_shipping`), and only an option we offered is believed.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from coleman.cart.lines import Line, Lines
from coleman.core.money import to_money
from coleman.orders.shipping import ShippingCalculator

from ... import xml as safe_xml
from ...amounts import format_amount
from .protocol import parse_amount

#: Where the buyer's shipping choice sits in a new-order notification.
ADJUSTMENT = "order-adjustment/shipping/"


@dataclass(frozen=True)
class FlatRateOption:
    """One ``flat-rate-shipping`` option: its name (unique in a cart) and price."""

    name: str
    price: Decimal


def order_lines_to_quote(order_lines):
    """The order's lines as :class:`~coleman.cart.lines.Lines`, for a shipping calculator to quote.

    Lines whose product was deleted are left out (nothing is known about their shipping).
    """
    return Lines(Line(product=line.product, quantity=line.quantity) for line in order_lines if line.product_id)


def ships_anything(order_lines):
    """True when at least one line is a good that ships (not a digital product)."""
    return any(not getattr(line.product, "is_digital", False) for line in order_lines if line.product_id) or any(
        not line.product_id for line in order_lines
    )


def _method_option(method, lines):
    if isinstance(method, dict):
        name = str(method.get("name") or "").strip()
        if not name:
            raise ImproperlyConfigured("COLEMAN_GOOGLE_SHIPPING_METHODS: every option needs a name.")
        if "calculator" in method:
            return FlatRateOption(name[:255], _calculator(method["calculator"]).quote(lines))
        try:
            return FlatRateOption(name[:255], to_money(Decimal(str(method.get("price")))))
        except (InvalidOperation, ValueError):
            raise ImproperlyConfigured(f"COLEMAN_GOOGLE_SHIPPING_METHODS: {name!r} has no valid price.") from None
    calculator = _calculator(method)
    return FlatRateOption(str(calculator.name)[:255], calculator.quote(lines))


def _calculator(path):
    try:
        calculator = import_string(path)()
    except ImportError as exc:
        raise ImproperlyConfigured(f"COLEMAN_GOOGLE_SHIPPING_METHODS: cannot import {path!r}.") from exc
    if not isinstance(calculator, ShippingCalculator):
        raise ImproperlyConfigured(f"COLEMAN_GOOGLE_SHIPPING_METHODS: {path!r} is not a shipping calculator.")
    return calculator


def flat_rate_options(order, order_lines, methods):
    """The flat-rate options offered for ``order`` (``methods`` is ``COLEMAN_GOOGLE_SHIPPING_METHODS``).

    ``None``: the store's own charge, as on the order. A list: each calculator's or fixed
    option's, in the listed order; a name listed twice is offered once (Google needs them unique).
    """
    if not ships_anything(order_lines):
        return []
    if methods is None:
        return [FlatRateOption((order.shipping_method or "Shipping")[:255], order.shipping)]
    return quoted_options(order_lines_to_quote(order_lines), methods)


def quoted_options(lines, methods):
    """The options ``methods`` (``COLEMAN_GOOGLE_SHIPPING_METHODS``, a list) give for ``lines``
    (:class:`~coleman.cart.lines.Lines`), in the listed order, each name once."""
    options, seen = [], set()
    for method in methods:
        option = _method_option(method, lines)
        if option.name not in seen:
            seen.add(option.name)
            options.append(option)
    return options


def carrier_shipping(order_lines, carrier):
    """The template's view of ``COLEMAN_GOOGLE_CARRIER_SHIPPING`` for these lines, or None.

    ``carrier``: ``{"ship_from": {city, region, postal_code, country}, "methods": [[company,
    type], …], "default_price": "10.00", "package": {length, width, height}, "handling":
    "2.00", "adjust_percent": "-10"}``; ``handling`` and ``adjust_percent`` are optional.
    """
    if not carrier or not ships_anything(order_lines):
        return None
    handling = carrier.get("handling")
    percent = carrier.get("adjust_percent")
    return {
        "methods": carrier.get("methods") or [["UPS", "Ground"]],
        "default_price": format_amount(carrier.get("default_price", "10.00")),
        "handling": format_amount(handling) if handling not in (None, "") else "",
        "adjust_percent": str(Decimal(str(percent))) if percent not in (None, "") else "",
        "package": {"length": 12, "width": 9, "height": 4, **(carrier.get("package") or {})},
        "ship_from": carrier.get("ship_from") or {},
    }


def chosen_shipping(root):
    """``(kind, name, cost)`` of the buyer's shipping choice in a new-order, or None when it has none.

    ``kind`` is ``"flat"`` or ``"carrier"``; ``cost`` a Decimal (a bad amount is MalformedMessage).
    """
    for kind, tag in (("flat", "flat-rate-shipping-adjustment"), ("carrier", "carrier-calculated-shipping-adjustment")):
        adjustment = safe_xml.find(root, ADJUSTMENT + tag)
        if adjustment is not None:
            cost = safe_xml.text(adjustment, "shipping-cost")
            if not cost:
                return None
            return kind, safe_xml.text(adjustment, "shipping-name")[:100], parse_amount(cost, "shipping-cost")
    return None


__all__ = [
    "FlatRateOption",
    "carrier_shipping",
    "chosen_shipping",
    "flat_rate_options",
    "order_lines_to_quote",
    "quoted_options",
    "ships_anything",
]
