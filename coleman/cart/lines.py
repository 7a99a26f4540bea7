"""Priced lines: a product in a quantity, and the totals of a list of them.

The one copy of the cart-line maths. The session cart yields :class:`Line` objects (its own
subclass adds the session's item id), the orders app re-reads the cart's products inside the
order transaction into :class:`Lines` and prices the order with them, and the shipping
calculators quote on :class:`Lines` (or a cart, which offers the same totals). Payment
processors that build an order from something other than the session cart (a "Buy It Now"
button, a gateway's own cart) make :class:`Lines` too.

Prices are what a shopper pays now, ``Product.get_price()`` (the list price after any
automatic offer), rounded with :func:`coleman.core.money.to_money`;
weights are the product's ``weight`` in pounds, 0 when it has none.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from coleman.core.money import to_money

NO_WEIGHT = Decimal("0")


@dataclass
class Line:
    """One product (or one variant of it) in a quantity, at its current price."""

    product: object
    quantity: int
    variant: object = None

    @property
    def buyable(self):
        """What is bought: the variant when there is one, else the product (price, stock, weight)."""
        return self.variant if self.variant is not None else self.product

    @property
    def name(self) -> str:
        """The product's name, with the variant's ("Harvest T-shirt – Large")."""
        return f"{self.product.name} – {self.variant.name}" if self.variant is not None else self.product.name

    @property
    def list_price(self) -> Decimal:
        """The price before automatic offers (the variant's own, or the product's)."""
        return to_money(self.variant.list_price if self.variant is not None else self.product.price)

    @property
    def price_reason(self) -> str:
        """Why :attr:`unit_price` is below :attr:`list_price` (an offer's name), or ``""``."""
        return self.buyable.get_price_with_reason()[1]

    @property
    def unit_price(self) -> Decimal:
        """The price now (``get_price()``: after any automatic offer), in the store's currency."""
        return to_money(self.buyable.get_price())

    @property
    def line_total(self) -> Decimal:
        """Unit price times quantity, in the store's currency."""
        return to_money(self.unit_price * self.quantity)

    @property
    def weight(self) -> Decimal:
        """Shipping weight of the whole line in pounds (0 when the product has none)."""
        weight = self.variant.shipping_weight if self.variant is not None else self.product.weight
        return (weight or NO_WEIGHT) * self.quantity


class Lines:
    """An ordered list of :class:`Line` with the totals a cart, an order and shipping read."""

    def __init__(self, lines: Iterable[Line] = ()):
        self._lines = list(lines)

    def __iter__(self) -> Iterator[Line]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def __repr__(self) -> str:
        return f"Lines({self._lines!r})"

    @property
    def is_empty(self) -> bool:
        """True when there are no lines."""
        return not self._lines

    @property
    def count(self) -> int:
        """Units in all lines (the sum of the quantities)."""
        return sum(line.quantity for line in self._lines)

    @property
    def subtotal(self) -> Decimal:
        """Sum of the line totals, in the store's currency."""
        return to_money(sum((line.line_total for line in self._lines), Decimal("0")))

    @property
    def total_weight(self) -> Decimal:
        """Shipping weight of all lines in pounds; products without a weight count 0."""
        return sum((line.weight for line in self._lines), NO_WEIGHT)


__all__ = ["Line", "Lines"]
