"""Properties of the pricing, whatever the prices, quantities, offers, voucher and tax rate:

* the total is never negative;
* total = subtotal − discounts + shipping + tax added;
* the order placed from the cart stores that total, and each gateway's document says the same:
  PayPal's lines add up to ITEMAMT and ITEMAMT + SHIPPINGAMT + TAXAMT = AMT = the total; the
  total Google works out from our cart XML (negative discount lines, tax table, per-line
  half-up rounding, as the sandbox plays it) is the total.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coleman.cart.lines import Line, Lines
from coleman.cart.pricing import price_cart
from coleman.offers.models import Offer, Voucher
from coleman.orders.placing import make_order_from_cart
from coleman.payments.processors import get_processor
from coleman.payments.processors.paypal.processor import payment_request_for
from coleman.payments.processors.paypal.protocol import set_express_checkout_params
from coleman.payments.sandbox.google.documents import cart_total, read_xml_cart
from coleman.products.models import Product
from coleman.tax.models import SalesTaxRate, VatRate
from tests.factories.orders import ADDRESS
from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
percents = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("100"), places=2)
basket = st.lists(st.tuples(prices, st.integers(min_value=1, max_value=12)), min_size=1, max_size=5)
vouchers = st.one_of(
    st.none(),
    st.tuples(st.just(Voucher.Kind.PERCENT), percents),
    st.tuples(st.just(Voucher.Kind.FIXED), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000"), places=2)),
    st.tuples(st.just(Voucher.Kind.FREE_SHIPPING), st.just(Decimal("0"))),
)
rates = st.one_of(st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("12"), places=3))


def paypal_total(params):
    """What PayPal checks: lines sum to ITEMAMT and the parts sum to AMT; returns AMT."""
    index, items = 0, Decimal("0")
    while f"L_PAYMENTREQUEST_0_AMT{index}" in params:
        items += Decimal(params[f"L_PAYMENTREQUEST_0_AMT{index}"]) * int(params[f"L_PAYMENTREQUEST_0_QTY{index}"])
        index += 1
    assert items == Decimal(params["PAYMENTREQUEST_0_ITEMAMT"])
    parts = sum(Decimal(params.get(f"PAYMENTREQUEST_0_{name}AMT", "0")) for name in ("ITEM", "SHIPPING", "TAX"))
    assert parts == Decimal(params["PAYMENTREQUEST_0_AMT"])
    return parts


@pytest.mark.parametrize(
    "strategy",
    ["coleman.tax.strategies.UsSalesTax", "coleman.tax.strategies.IncludedVat", "coleman.tax.strategies.NoTax"],
)
@hypothesis_settings(max_examples=25)
@given(
    basket=basket,
    offer_percent=st.one_of(st.none(), percents),
    multibuy=st.booleans(),
    voucher=vouchers,
    rate=rates,
    shipping_taxable=st.booleans(),
)
def test_totals_add_up_and_every_gateway_document_agrees(
    strategy, basket, offer_percent, multibuy, voucher, rate, shipping_taxable
):
    """For any tax strategy, basket, offers, voucher and rate (Massachusetts sales tax, or VAT for
    the US included in prices): total ≥ 0, total = lines − discounts + shipping + tax added, and
    the order and the PayPal and Google documents agree."""
    with override_settings(COLEMAN_TAX_STRATEGY=strategy), transaction.atomic():
        cache.clear()
        category = CategoryFactory()
        products = [ProductFactory(category=category, price=price, stock=None) for price, _q in basket]
        if offer_percent is not None:
            Offer.objects.create(name="Sale", percent=offer_percent, category=category)
        if multibuy:
            Offer.objects.create(
                name="3 for 2", kind=Offer.Kind.MULTIBUY, buy_quantity=3, pay_quantity=2, category=category
            )
        code = ""
        if voucher is not None:
            Voucher.objects.create(code="PROP", kind=voucher[0], value=voucher[1])
            code = "PROP"
        if rate is not None:
            SalesTaxRate.objects.create(state="MA", rate=rate, shipping_taxable=shipping_taxable)
            VatRate.objects.create(country="US", rate=rate)
        cart = [
            (Product.objects.get(pk=product.pk), quantity)
            for product, (_p, quantity) in zip(products, basket, strict=True)
        ]

        class Item:
            def __init__(self, product, quantity):
                self.product, self.quantity = product, quantity

        breakdown = price_cart([Item(*pair) for pair in cart], voucher_code=code, address=dict(ADDRESS))
        assert not breakdown.voucher_error
        assert breakdown.total >= 0
        assert breakdown.total == breakdown.subtotal - breakdown.discount + breakdown.shipping + breakdown.tax_added
        assert breakdown.discount <= breakdown.subtotal

        order = make_order_from_cart(
            Lines(Line(product, quantity) for product, quantity in cart),
            email="prop@example.com",
            shipping_address=dict(ADDRESS),
            voucher_code=code,
        )
        assert order.total == breakdown.total
        assert order.total == order.subtotal - order.discount + order.shipping + order.tax_added
        if order.total > 0:
            params = set_express_checkout_params(
                payment_request_for(order), return_url="https://x/r", cancel_url="https://x/c"
            )
            assert paypal_total(params) == order.total
            assert cart_total(read_xml_cart(get_processor("google").cart_xml(RequestFactory().get("/"), order))) == (
                order.total
            )
        transaction.set_rollback(True)
