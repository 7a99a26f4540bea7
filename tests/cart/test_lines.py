"""Priced lines and their totals: the one copy of the cart-line maths."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from coleman.cart.cart import Cart
from coleman.cart.exceptions import InvalidQuantities
from coleman.cart.lines import Line, Lines
from tests.factories.products import ProductFactory


def product(price, weight=None, name="Jam"):
    """A stand-in with what a line reads: price now (``get_price``), weight and a name."""
    return SimpleNamespace(
        price=Decimal(price),
        get_price=lambda: Decimal(price),
        weight=None if weight is None else Decimal(weight),
        name=name,
    )


def test_a_line_prices_units_from_the_product_in_dollars_and_cents():
    """Unit price and line total are two-place Decimals of the product's price (not cents)."""
    line = Line(product("3.333"), 3)
    assert line.unit_price == Decimal("3.33")
    assert line.line_total == Decimal("9.99")
    assert str(line.line_total) == "9.99"


def test_a_line_weighs_its_units_and_nothing_without_a_weight():
    """The weight of a line is unit weight times quantity; a product without weight weighs 0."""
    assert Line(product("1", "1.250"), 4).weight == Decimal("5.000")
    assert Line(product("1"), 4).weight == Decimal("0")


def test_lines_total_their_quantities_prices_and_weights():
    """Count, subtotal and total weight add up the lines, in order, exactly."""
    lines = Lines([Line(product("0.10", "0.5"), 3), Line(product("0.20"), 1), Line(product("10.00", "2"), 2)])
    assert [line.quantity for line in lines] == [3, 1, 2]
    assert len(lines) == 3 and not lines.is_empty
    assert lines.count == 6
    assert lines.subtotal == Decimal("20.50")
    assert lines.total_weight == Decimal("5.5")


def test_no_lines_are_empty_and_total_nothing():
    """An empty list of lines is empty, holds 0 units, $0.00 and weighs 0."""
    lines = Lines()
    assert lines.is_empty and len(lines) == 0
    assert (lines.count, lines.subtotal, lines.total_weight) == (0, Decimal("0.00"), Decimal("0"))


@pytest.mark.django_db
def test_the_session_cart_yields_lines_and_repeats_their_totals(cart):
    """The cart's items are Lines; its totals are those of ``cart.lines``."""
    cart.add(ProductFactory(price=Decimal("2.25"), weight=Decimal("1.5")), 2)
    cart.add(ProductFactory(price=Decimal("4.00")), 1)
    assert all(isinstance(item, Line) for item in cart)
    lines = cart.lines
    assert isinstance(lines, Lines)
    assert (cart.count, cart.subtotal, cart.total_weight) == (lines.count, lines.subtotal, lines.total_weight)
    assert (cart.count, cart.subtotal, cart.total_weight) == (3, Decimal("8.50"), Decimal("3.0"))


@pytest.mark.django_db
def test_updating_quantities_is_all_or_nothing(cart):
    """One bad quantity (above stock) leaves every line as it was and names the bad line."""
    jam = ProductFactory(name="Jam", stock=3)
    sauce = ProductFactory(name="Sauce")
    cart.add(jam, 1)
    cart.add(sauce, 1)
    with pytest.raises(InvalidQuantities) as refused:
        cart.update_quantities({"1": "5", "2": "4"})
    assert refused.value.item_errors == {"1": "Only 3 of Jam left in stock."}
    assert [item.quantity for item in Cart(cart.request)] == [1, 1]
    assert cart.update_quantities({"1": "3", "2": "0", "99": "1"}) == ["99"]
    assert [(item.product.name, item.quantity) for item in Cart(cart.request)] == [("Jam", 3)]
