"""Shipping calculators chosen by setting, and the checks on their settings."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from coleman.orders.checks import check_shipping_settings
from coleman.orders.shipping import (
    FlatRateShipping,
    FreeOverThresholdShipping,
    PerItemShipping,
    WeightTableShipping,
    get_shipping_calculator,
)


class FakeCart:
    """The parts of a cart a calculator reads."""

    def __init__(self, subtotal="0", count=0, weight="0"):
        self.subtotal = Decimal(subtotal)
        self.count = count
        self.total_weight = Decimal(weight)
        self.is_empty = count == 0


def test_flat_rate_per_order():
    """One price per order, whatever it holds; nothing for an empty cart."""
    with override_settings(COLEMAN_SHIPPING_FLAT_RATE="6.25"):
        assert FlatRateShipping().quote(FakeCart("100", 40)) == Decimal("6.25")
        assert FlatRateShipping().quote(FakeCart()) == Decimal("0.00")


@override_settings(COLEMAN_SHIPPING_PER_ITEM="1.10")
def test_per_item_charges_each_unit():
    """Per-item shipping multiplies the rate by the number of units."""
    assert PerItemShipping().quote(FakeCart("10", 3)) == Decimal("3.30")


@pytest.mark.parametrize(
    ("weight", "price"),
    [
        ("0", "4.00"),
        ("1", "4.00"),
        ("1.001", "7.50"),
        ("5", "7.50"),
        ("19.99", "15.00"),
        ("20.5", "25.00"),
        ("500", "25.00"),
    ],
)
def test_weight_table_brackets(weight, price):
    """The first row whose limit the weight does not pass prices it; None catches the rest."""
    assert WeightTableShipping().quote(FakeCart("1", 1, weight)) == Decimal(price)


@override_settings(COLEMAN_SHIPPING_WEIGHT_TABLE=[("2", "3.00"), ("10", "9.00")])
def test_weight_table_without_catch_all_uses_last_row():
    """Heavier than every row of a table without a None row costs the last row's price."""
    assert WeightTableShipping().quote(FakeCart("1", 1, "11")) == Decimal("9.00")


@override_settings(
    COLEMAN_SHIPPING_FREE_OVER="50.00",
    COLEMAN_SHIPPING_FREE_OVER_BASE="coleman.orders.shipping.PerItemShipping",
)
def test_free_over_threshold():
    """At or over the threshold shipping is free; below it the base calculator quotes."""
    calculator = FreeOverThresholdShipping()
    assert calculator.quote(FakeCart("50.00", 2)) == Decimal("0.00")
    assert calculator.quote(FakeCart("49.99", 2)) == Decimal("3.00")
    assert "free over" in calculator.name.lower()


def test_the_setting_chooses_the_calculator():
    """COLEMAN_SHIPPING_CALCULATOR names the class; a bad path is ImproperlyConfigured."""
    assert isinstance(get_shipping_calculator(), FlatRateShipping)
    with override_settings(COLEMAN_SHIPPING_CALCULATOR="coleman.orders.shipping.WeightTableShipping"):
        assert isinstance(get_shipping_calculator(), WeightTableShipping)
    with override_settings(COLEMAN_SHIPPING_CALCULATOR="coleman.orders.shipping.Nope"):
        with pytest.raises(ImproperlyConfigured):
            get_shipping_calculator()


def test_checks_report_bad_shipping_settings():
    """System checks flag an unimportable calculator, float or negative amounts and an unsorted table."""
    assert check_shipping_settings(None) == []
    with override_settings(
        COLEMAN_SHIPPING_CALCULATOR="no.such.Calculator",
        COLEMAN_SHIPPING_FLAT_RATE=4.99,
        COLEMAN_SHIPPING_PER_ITEM="-1",
        COLEMAN_SHIPPING_WEIGHT_TABLE=[("5", "2"), ("1", "3")],
        COLEMAN_ORDER_ABANDONED_DAYS=0,
    ):
        ids = sorted(error.id for error in check_shipping_settings(None))
    assert ids == ["coleman.E041", "coleman.E042", "coleman.E042", "coleman.E043", "coleman.E044"]


def test_cart_max_quantity_check():
    """A non-positive COLEMAN_CART_MAX_QUANTITY is reported."""
    from coleman.cart.checks import check_cart_settings

    assert check_cart_settings(None) == []
    with override_settings(COLEMAN_CART_MAX_QUANTITY=0):
        assert [e.id for e in check_cart_settings(None)] == ["coleman.E031"]
