"""Money helpers: ``to_money`` and the ``|currency`` filter."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings

from coleman.core.money import to_money
from coleman.core.templatetags.coleman import currency


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.345", Decimal("2.35")),  # half up, not banker's rounding
        ("2.344", Decimal("2.34")),
        ("2.5", Decimal("2.50")),
        (3, Decimal("3.00")),
        (Decimal("0.005"), Decimal("0.01")),
        ("-1.005", Decimal("-1.01")),
    ],
)
def test_to_money_rounds_half_up_to_cents(value, expected):
    """Amounts become two-place Decimals, rounded half up."""
    result = to_money(value)
    assert result == expected and result.as_tuple().exponent == -2


def test_to_money_refuses_floats():
    """Floats cannot hold cents exactly, so they are refused."""
    with pytest.raises(TypeError):
        to_money(0.1)


@pytest.mark.parametrize("value", ["abc", "", None, "1,00", object()])
def test_to_money_refuses_non_amounts(value):
    """Anything that is not a number is a ValueError naming the value."""
    with pytest.raises(ValueError, match="Not an amount"):
        to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234.5"), "$1,234.50"),
        ("4.5", "$4.50"),
        (0, "$0.00"),
        (Decimal("-3"), "-$3.00"),
        (Decimal("1234567.891"), "$1,234,567.89"),
        (None, ""),
        ("", ""),
        ("not money", ""),
        (0.5, ""),  # floats are refused quietly in templates
    ],
)
def test_currency_filter(value, expected):
    """The filter prints the store's symbol, thousands separators and two places."""
    assert currency(value) == expected


@override_settings(COLEMAN_CURRENCY_SYMBOL="€")
def test_currency_symbol_comes_from_settings():
    """COLEMAN_CURRENCY_SYMBOL changes the printed symbol."""
    assert Template("{% load coleman %}{{ price|currency }}").render(Context({"price": Decimal("9.9")})) == "€9.90"
