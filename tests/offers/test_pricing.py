"""The one pricing function, with hand-worked totals: offers, vouchers, shipping and tax.

The store fixture's products: candle $14.00 (Gifts → Candles), T-shirt $18.00 (Gifts →
Apparel), preserves $4.50 (Food), juice $3.99 (Standard Collection → Drinks). Shipping is the
default flat rate, $5.00.
"""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.utils import timezone

from coleman.cart.pricing import price_cart
from coleman.offers.models import Offer, Voucher
from coleman.tax.models import SalesTaxRate

MA = {"state": "MA", "country": "US"}
US_TAX = "coleman.tax.strategies.UsSalesTax"
VAT = "coleman.tax.strategies.IncludedVat"

pytestmark = pytest.mark.django_db


def lines(*pairs):
    """Cart-like lines from (product, quantity) pairs."""
    return [SimpleNamespace(product=product, quantity=quantity) for product, quantity in pairs]


def test_no_offers_no_voucher_is_lines_plus_shipping(store):
    """Without offers or tax: 2 candles + 1 juice = 31.99, shipping 5.00, total 36.99."""
    breakdown = price_cart(lines((store.candle, 2), (store.juice, 1)))
    assert breakdown.subtotal == Decimal("31.99")
    assert breakdown.discounts == []
    assert breakdown.shipping == Decimal("5.00")
    assert breakdown.tax == Decimal("0.00")
    assert breakdown.total == Decimal("36.99")
    assert str(breakdown.shipping_reason) == "Flat rate"


def test_a_percentage_offer_on_a_catalog_changes_get_price_with_its_reason(store):
    """10% off the Fall Collection: the candle costs 12.60 (get_price and the cart line say so, with
    the offer's name); the juice in another catalog keeps 3.99."""
    Offer.objects.create(name="Autumn sale", kind=Offer.Kind.PERCENT, percent=Decimal("10"), catalog=store.fall)
    assert store.candle.__class__.objects.get(pk=store.candle.pk).get_price() == Decimal("12.60")
    assert store.juice.__class__.objects.get(pk=store.juice.pk).get_price() == Decimal("3.99")
    breakdown = price_cart(lines((store.candle.__class__.objects.get(pk=store.candle.pk), 2)))
    line = breakdown.lines[0]
    assert (line.list_price, line.unit_price, line.line_total) == (Decimal("14.00"), Decimal("12.60"), Decimal("25.20"))
    assert line.reason == "10% off: Autumn sale"
    assert breakdown.savings == Decimal("2.80")


def test_an_offer_outside_its_period_does_nothing(store):
    """An offer that ended yesterday or starts tomorrow leaves the list price."""
    now = timezone.now()
    Offer.objects.create(
        name="Old", percent=Decimal("50"), starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1)
    )
    Offer.objects.create(name="Soon", percent=Decimal("50"), starts_at=now + timedelta(days=1))
    candle = store.candle.__class__.objects.get(pk=store.candle.pk)
    assert candle.get_price() == Decimal("14.00")


def test_three_for_two_gives_every_third_unit_free(store, three_for_two):
    """7 jars of preserves at 4.50 under 3 for 2: 2 jars free, discount 9.00, reason says so."""
    breakdown = price_cart(lines((store.preserves, 7)))
    assert breakdown.subtotal == Decimal("31.50")
    assert [(d.kind, d.amount) for d in breakdown.discounts] == [("offer", Decimal("9.00"))]
    assert "2 × Cranberry Preserves free" in breakdown.discounts[0].reason
    assert breakdown.total == Decimal("27.50")  # 31.50 − 9.00 + 5.00


def test_percentage_voucher_on_the_order(store, cranberry10):
    """CRANBERRY10 on 2 candles + 1 T-shirt (46.00): 4.60 off, total 46.40; the code is upper-cased."""
    breakdown = price_cart(lines((store.candle, 2), (store.shirt, 1)), voucher_code=" cranberry10 ")
    assert breakdown.voucher == cranberry10 and not breakdown.voucher_error
    assert [(d.kind, d.code, d.amount) for d in breakdown.discounts] == [("voucher", "CRANBERRY10", Decimal("4.60"))]
    assert breakdown.total == Decimal("46.40")


def test_fixed_voucher_on_a_category_is_capped_by_its_lines(store):
    """$20 off Gifts (and its sub-categories) with one candle (14.00) and a juice: 14.00 off, not 20."""
    Voucher.objects.create(code="GIFT20", kind=Voucher.Kind.FIXED, value=Decimal("20"), category=store.gifts)
    breakdown = price_cart(lines((store.candle, 1), (store.juice, 1)), voucher_code="GIFT20")
    assert breakdown.discount == Decimal("14.00")
    assert breakdown.total == Decimal("8.99")  # 17.99 − 14.00 + 5.00


def test_free_shipping_voucher(store):
    """A free-shipping voucher makes shipping 0 and says why."""
    Voucher.objects.create(code="SHIPFREE", kind=Voucher.Kind.FREE_SHIPPING)
    breakdown = price_cart(lines((store.candle, 1)), voucher_code="SHIPFREE")
    assert breakdown.shipping == Decimal("0.00")
    assert "SHIPFREE" in breakdown.shipping_reason
    assert breakdown.total == Decimal("14.00")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOPE", "We do not know the voucher code NOPE."),
        ("OLD", "The voucher OLD has expired."),
        ("SOON", "The voucher SOON is not valid yet."),
        ("GONE", "The voucher GONE has been used up."),
        ("BIG", "The voucher BIG needs an order of at least 100.00."),
        ("FOOD", "The voucher FOOD is for products your cart does not hold."),
        ("bad code!", "That is not a voucher code: codes are letters and digits."),
        ("X" * 41, "That is not a voucher code: codes are letters and digits."),
        ("NUL\x00", "That is not a voucher code: codes are letters and digits."),
    ],
)
def test_bad_vouchers_give_a_reason_and_no_discount(store, code, message):
    """Unknown, expired, not started, used-up, below minimum, wrong category, malformed: a clear
    reason, no discount, the normal total."""
    now = timezone.now()
    Voucher.objects.create(code="OLD", value=10, starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    Voucher.objects.create(code="SOON", value=10, starts_at=now + timedelta(days=1))
    Voucher.objects.create(code="GONE", value=10, max_uses=2).__class__.objects.filter(code="GONE").update(uses=2)
    Voucher.objects.create(code="BIG", value=10, minimum_order=Decimal("100"))
    Voucher.objects.create(code="FOOD", value=10, category=store.food)
    breakdown = price_cart(lines((store.candle, 1)), voucher_code=code)
    assert breakdown.voucher_error == message
    assert breakdown.voucher is None and breakdown.discounts == []
    assert breakdown.total == Decimal("19.00")


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_massachusetts_sales_tax_hand_worked(store, massachusetts, cranberry10):
    """MA 6.25%, per line, half up: 3 candles 42.00 → 2.625 → 2.63; 2 preserves 9.00 → 0.5625 →
    0.56; CRANBERRY10 −5.10 → −0.31875 → −0.32; shipping not taxed. Tax 2.87;
    total 51.00 − 5.10 + 5.00 + 2.87 = 53.77."""
    breakdown = price_cart(lines((store.candle, 3), (store.preserves, 2)), voucher_code="CRANBERRY10", address=MA)
    assert [line.tax for line in breakdown.lines] == [Decimal("2.63"), Decimal("0.56")]
    assert breakdown.discounts[0].amount == Decimal("5.10")
    assert breakdown.discounts[0].tax == Decimal("-0.32")
    assert breakdown.shipping_tax == Decimal("0.00")
    assert breakdown.tax == Decimal("2.87")
    assert breakdown.total == Decimal("53.77")
    assert breakdown.tax_reason == "MA sales tax 6.25%"


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_a_state_that_taxes_shipping(store):
    """A state with 7% that taxes shipping: candle 14.00 → 0.98, shipping 5.00 → 0.35; total 20.33."""
    SalesTaxRate.objects.create(state="NJ", rate=Decimal("7"), shipping_taxable=True)
    breakdown = price_cart(lines((store.candle, 1)), address={"state": "nj", "country": "US"})
    assert (breakdown.tax, breakdown.shipping_tax, breakdown.total) == (
        Decimal("1.33"),
        Decimal("0.35"),
        Decimal("20.33"),
    )


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_no_state_yet_or_an_untaxed_state_adds_no_tax_and_says_so(store, massachusetts):
    """Before an address: no tax, "worked out at checkout"; a state without a rate: no tax."""
    before = price_cart(lines((store.candle, 1)))
    assert before.tax == 0 and "at checkout" in before.tax_reason
    oregon = price_cart(lines((store.candle, 1)), address={"state": "OR", "country": "US"})
    assert oregon.tax == 0 and oregon.tax_reason == "No sales tax is collected for OR."


@override_settings(COLEMAN_TAX_STRATEGY=VAT, COLEMAN_TAX_DEFAULT_COUNTRY="DE")
def test_vat_is_included_in_prices_not_added(store, germany):
    """German VAT 19% included: T-shirt 18.00 contains 2.87 (18 × 19/119 = 2.8739…), shipping 5.00
    contains 0.80; the total stays 23.00."""
    breakdown = price_cart(lines((store.shirt, 1)))
    assert breakdown.tax_included
    assert breakdown.lines[0].tax == Decimal("2.87")
    assert breakdown.shipping_tax == Decimal("0.80")
    assert breakdown.tax == Decimal("3.67")
    assert breakdown.total == Decimal("23.00")
    assert breakdown.tax_reason == "Includes DE VAT 19%"


def test_per_customer_limit_counts_earlier_uses(store, django_user_model):
    """A voucher once per customer: after a recorded use by that email, it is refused for them only."""
    voucher = Voucher.objects.create(code="ONCE", value=10, max_uses_per_customer=1)
    voucher.redemptions.create(email="ada@example.com", order_number="AAAA-BBBB")
    refused = price_cart(lines((store.candle, 1)), voucher_code="ONCE", email="ADA@example.com")
    assert refused.voucher_error == "You have already used the voucher ONCE."
    assert price_cart(lines((store.candle, 1)), voucher_code="ONCE", email="bob@example.com").voucher == voucher


@pytest.mark.parametrize("offers", [1, 500])
def test_pricing_costs_the_same_queries_with_1_and_500_offers(store, offers, django_assert_num_queries, cranberry10):
    """With 1 or 500 running offers (catalog-scoped): cold cache 2 queries (offers, category tree)
    + 1 for the voucher; warm cache only the voucher's query."""
    Offer.objects.bulk_create(
        Offer(name=f"Offer {n}", percent=Decimal("1") + n % 20, catalog=store.fall) for n in range(offers)
    )
    cart = lines((store.candle.__class__.objects.get(pk=store.candle.pk), 1), (store.shirt, 2))
    with django_assert_num_queries(3):
        cold = price_cart(cart, voucher_code="CRANBERRY10")
    cart = lines((store.candle.__class__.objects.get(pk=store.candle.pk), 1), (store.shirt, 2))
    with django_assert_num_queries(1):
        warm = price_cart(cart, voucher_code="CRANBERRY10")
    assert cold.total == warm.total
    assert cold.lines[0].unit_price < Decimal("14.00")


def test_editing_an_offer_refreshes_prices_at_once(store):
    """Saving or deleting an offer drops the cached offers: the next get_price sees the change."""
    Product = store.candle.__class__
    assert Product.objects.get(pk=store.candle.pk).get_price() == Decimal("14.00")
    offer = Offer.objects.create(name="Half", percent=Decimal("50"))
    assert Product.objects.get(pk=store.candle.pk).get_price() == Decimal("7.00")
    offer.delete()
    assert Product.objects.get(pk=store.candle.pk).get_price() == Decimal("14.00")
