"""Fixtures for the offers, vouchers and tax tests."""

from decimal import Decimal

import pytest

from coleman.offers.models import Offer, Voucher
from coleman.tax.models import SalesTaxRate, VatRate


@pytest.fixture
def massachusetts(db):
    """Massachusetts sales tax: 6.25%, shipping not taxed."""
    return SalesTaxRate.objects.create(state="MA", name="Massachusetts", rate=Decimal("6.25"))


@pytest.fixture
def germany(db):
    """German VAT: 19%, included in prices."""
    return VatRate.objects.create(country="DE", rate=Decimal("19"))


@pytest.fixture
def cranberry10(db):
    """The demo voucher: 10% off the whole order, no end."""
    return Voucher.objects.create(code="CRANBERRY10", kind=Voucher.Kind.PERCENT, value=Decimal("10"))


@pytest.fixture
def three_for_two(store):
    """3 for 2 on the Food category."""
    return Offer.objects.create(
        name="3 for 2 on food", kind=Offer.Kind.MULTIBUY, buy_quantity=3, pay_quantity=2, category=store.food
    )
