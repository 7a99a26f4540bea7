"""The breakdown travels: cart page, checkout, the stored order, its email and each gateway's
document all show the same figures (hand-worked: MA 6.25%, CRANBERRY10)."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from lxml import etree

from coleman.cart.cart import Cart
from coleman.offers.models import Offer, Voucher
from coleman.orders.exceptions import VoucherRejected
from coleman.orders.models import Order
from coleman.orders.placing import make_order_from_cart
from coleman.payments.processors import get_processor
from coleman.payments.processors.paypal.processor import payment_request_for
from coleman.payments.processors.paypal.protocol import set_express_checkout_params
from coleman.payments.sandbox.google.documents import cart_total, read_xml_cart
from coleman.products.models import Product
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.helpers import make_request

US_TAX = "coleman.tax.strategies.UsSalesTax"

pytestmark = pytest.mark.django_db


def ma_order(store, *, code="CRANBERRY10"):
    """3 candles + 2 preserves to Massachusetts with ``code``: 51.00 − 5.10 + 5.00 + 2.87 = 53.77."""
    cart = Cart(make_request())
    cart.add(store.candle, 3)
    cart.add(store.preserves, 2)
    cart.set_voucher_code(code)
    return cart, make_order_from_cart(cart, email="ada@example.com", shipping_address=dict(ADDRESS))


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_the_order_stores_the_breakdown_and_counts_the_voucher(
    store, massachusetts, cranberry10, django_capture_on_commit_callbacks
):
    """The order keeps subtotal, discount with its reason, shipping, tax per line and in total, the
    voucher code; the voucher's use is counted once, for that order; the email shows the figures."""
    with django_capture_on_commit_callbacks(execute=True):
        cart, order = ma_order(store)
    assert (order.subtotal, order.discount, order.shipping, order.tax, order.total) == (
        Decimal("51.00"),
        Decimal("5.10"),
        Decimal("5.00"),
        Decimal("2.87"),
        Decimal("53.77"),
    )
    assert order.voucher_code == "CRANBERRY10" and order.tax_description == "MA sales tax 6.25%"
    assert [line.tax for line in order.lines.all()] == [Decimal("2.63"), Decimal("0.56")]
    assert [(a.kind, a.amount, a.tax) for a in order.adjustments.all()] == [
        ("voucher", Decimal("5.10"), Decimal("-0.32"))
    ]
    cranberry10.refresh_from_db()
    assert cranberry10.uses == 1
    assert list(cranberry10.redemptions.values_list("order_number", "discount")) == [(order.number, Decimal("5.10"))]
    body = mail.outbox[-1].body
    for figure in ("$51.00", "-$5.10", "$2.87", "$53.77", "Voucher CRANBERRY10: 10% off"):
        assert figure in body
    assert cart.voucher_code == "CRANBERRY10"  # kept with its lines until the order is paid


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_paypal_gets_discounted_items_and_taxamt_that_add_up(store, massachusetts, cranberry10):
    """PayPal: the discount is a negative line, ITEMAMT = 45.90 (lines add up to it), TAXAMT 2.87,
    and ITEMAMT + SHIPPINGAMT + TAXAMT = AMT = the order total."""
    _cart, order = ma_order(store)
    params = set_express_checkout_params(payment_request_for(order), return_url="https://x/r", cancel_url="https://x/c")
    index, items = 0, Decimal("0")
    while f"L_PAYMENTREQUEST_0_AMT{index}" in params:
        items += Decimal(params[f"L_PAYMENTREQUEST_0_AMT{index}"]) * int(params[f"L_PAYMENTREQUEST_0_QTY{index}"])
        index += 1
    assert params["L_PAYMENTREQUEST_0_AMT2"] == "-5.10"
    assert items == Decimal(params["PAYMENTREQUEST_0_ITEMAMT"]) == Decimal("45.90")
    assert params["PAYMENTREQUEST_0_TAXAMT"] == "2.87"
    parts = sum(Decimal(params[f"PAYMENTREQUEST_0_{name}AMT"]) for name in ("ITEM", "SHIPPING", "TAX"))
    assert parts == Decimal(params["PAYMENTREQUEST_0_AMT"]) == order.total


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_google_cart_has_a_negative_discount_line_and_a_tax_table_giving_our_total(store, massachusetts, cranberry10):
    """Google's cart XML: the discount as a negative item, a default tax rule for MA at 0.0625
    rounded per line half up; the total Google works out from it (the sandbox's rules) is ours."""
    _cart, order = ma_order(store)
    request = RequestFactory().get("/")
    xml = get_processor("google").cart_xml(request, order)
    root = etree.fromstring(xml)
    ns = {"g": "http://checkout.google.com/schema/2"}
    prices = root.xpath("//g:item/g:unit-price/text()", namespaces=ns)
    assert prices[-1] == "-5.10"
    assert root.xpath("//g:default-tax-rule/g:rate/text()", namespaces=ns) == ["0.0625"]
    assert root.xpath("//g:us-state-area/g:state/text()", namespaces=ns) == ["MA"]
    assert root.xpath("//g:rounding-policy/g:rule/text()", namespaces=ns) == ["PER_LINE"]
    assert cart_total(read_xml_cart(xml)) == order.total == Decimal("53.77")


def test_a_voucher_used_up_meanwhile_refuses_the_order_and_keeps_the_cart(store):
    """The last use went to someone else between cart and "Place order": VoucherRejected, no
    order, no use counted, the cart and its voucher unchanged."""
    voucher = Voucher.objects.create(code="LAST", value=10, max_uses=1)
    cart = Cart(make_request())
    cart.add(store.candle, 1)
    cart.set_voucher_code("LAST")
    Voucher.objects.filter(pk=voucher.pk).update(uses=1)
    with pytest.raises(VoucherRejected, match="used up"):
        make_order_from_cart(cart, email="ada@example.com", shipping_address=dict(ADDRESS))
    assert Order.objects.count() == 0
    assert len(cart) == 1 and cart.voucher_code == "LAST"


def test_cart_page_applies_a_voucher_and_shows_the_breakdown(client, store, cranberry10):
    """Apply CRANBERRY10 in the cart: redirect, the page shows the discount line and the new total."""
    client.post(reverse("cart:add-item", args=[store.candle.pk]), {"quantity": "2"})
    response = client.post(reverse("cart:apply-voucher"), {"code": "cranberry10"})
    assert response.status_code == 302
    page = client.get(reverse("cart:detail")).content.decode()
    assert "Voucher CRANBERRY10: 10% off" in page and "−$2.80" in page
    assert "$30.20" in page  # 28.00 − 2.80 + 5.00
    response = client.post(reverse("cart:remove-voucher"))
    assert "CRANBERRY10" not in client.get(reverse("cart:detail")).content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOPE", "We do not know the voucher code NOPE."),
        ("", "Please enter a voucher code."),
        ("%%%", "That is not a voucher code"),
    ],
)
def test_bad_voucher_in_the_cart_is_a_400_with_the_reason_and_nothing_lost(client, store, code, message):
    """A bad code re-renders the cart (400) with the reason next to the field; the lines stay."""
    client.post(reverse("cart:add-item", args=[store.candle.pk]), {"quantity": "2"})
    response = client.post(reverse("cart:apply-voucher"), {"code": code})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'id="voucher-error"' in page
    assert page.count('class="cart-line"') == 1
    assert len(client.session["coleman_cart"]["items"]) == 1


def test_an_expired_kept_voucher_is_dropped_with_a_message(client, store):
    """A voucher that stops working while in the cart: the cart page says so and forgets it."""
    voucher = Voucher.objects.create(code="BRIEF", value=10)
    client.post(reverse("cart:add-item", args=[store.candle.pk]))
    client.post(reverse("cart:apply-voucher"), {"code": "BRIEF"})
    voucher.is_active = False
    voucher.save()
    page = client.get(reverse("cart:detail")).content.decode()
    assert "We do not know the voucher code BRIEF." in page
    assert "coleman_cart_voucher" not in client.session


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_checkout_shows_the_same_breakdown_and_update_totals_adds_the_state_tax(
    client, store, massachusetts, cranberry10
):
    """The checkout page shows the voucher; "Update totals" with a Massachusetts address shows the
    tax without placing an order; "Place order" stores those same figures."""
    client.post(reverse("cart:add-item", args=[store.candle.pk]), {"quantity": "3"})
    client.post(reverse("cart:add-item", args=[store.preserves.pk]), {"quantity": "2"})
    client.post(reverse("cart:apply-voucher"), {"code": "CRANBERRY10"})
    page = client.get(reverse("payments:choose")).content.decode()
    assert "Voucher CRANBERRY10" in page
    token = page.split('name="checkout_token" value="')[1].split('"')[0]
    form = {f: v for f, v in ADDRESS.items()} | {"email": "ada@example.com", "checkout_token": token}
    response = client.post(reverse("payments:choose"), form | {"recalculate": "1"})
    assert response.status_code == 200 and Order.objects.count() == 0
    page = response.content.decode()
    assert "MA sales tax 6.25%" in page and "$2.87" in page and "$53.77" in page
    response = client.post(reverse("payments:choose"), form)
    order = Order.objects.get()
    assert order.total == Decimal("53.77")
    assert "$53.77" in client.get(order.get_absolute_url()).content.decode()


@pytest.mark.parametrize("lines", [1, 50])
@pytest.mark.parametrize("offers", [1, 500])
def test_cart_page_queries_do_not_grow_with_lines_or_offers(client, store, lines, offers, django_assert_num_queries):
    """The cart page with a voucher: the same queries for 1 or 50 lines and 1 or 500 offers
    (session, products, the voucher; on a cold cache also the running offers, the display
    currencies' rates and the header's category menu)."""
    Offer.objects.bulk_create(Offer(name=f"Offer {n}", percent=Decimal("5")) for n in range(offers))
    Voucher.objects.create(code="TEN", value=10)
    for product in ProductFactory.create_batch(lines, category=store.food):
        client.post(reverse("cart:add-item", args=[product.pk]))
    client.post(reverse("cart:apply-voucher"), {"code": "TEN"})
    cache.clear()
    with django_assert_num_queries(6):
        response = client.get(reverse("cart:detail"))
    assert response.content.decode().count('class="cart-line"') == lines
    assert "Voucher TEN" in response.content.decode()
    with django_assert_num_queries(3):
        client.get(reverse("cart:detail"))


def test_get_price_is_what_the_cart_charges(store):
    """The cart line's unit price is Product.get_price() (an automatic offer included)."""
    Offer.objects.create(name="Jam week", percent=Decimal("20"), category=store.food)
    cart = Cart(make_request())
    cart.add(Product.objects.get(pk=store.preserves.pk), 2)
    assert cart.items[0].unit_price == Decimal("3.60") == Product.objects.get(pk=store.preserves.pk).get_price()


@override_settings(COLEMAN_TAX_STRATEGY=US_TAX)
def test_amazon_is_asked_for_the_discounted_taxed_total(store, massachusetts, cranberry10):
    """Amazon's signed Co-Branded UI request carries the order total, 53.77 (discount and tax in)."""
    _cart, order = ma_order(store)
    url = get_processor("amazon").cbui_request_url(RequestFactory().get("/"), order)
    assert parse_qs(urlsplit(url).query)["transactionAmount"] == ["53.77"]


@pytest.mark.parametrize("lines", [1, 50])
@pytest.mark.parametrize("offers", [1, 500])
def test_checkout_page_queries_do_not_grow_with_lines_or_offers(
    client, store, lines, offers, django_assert_num_queries
):
    """The checkout page with a voucher costs the same for 1 or 50 lines and 1 or 500 offers:
    session, products, the voucher (offers and rates cached by the pages before)."""
    Offer.objects.bulk_create(Offer(name=f"Offer {n}", percent=Decimal("5")) for n in range(offers))
    Voucher.objects.create(code="TEN", value=10)
    for product in ProductFactory.create_batch(lines, category=store.food):
        client.post(reverse("cart:add-item", args=[product.pk]))
    client.post(reverse("cart:apply-voucher"), {"code": "TEN"})
    client.get(reverse("payments:choose"))
    with django_assert_num_queries(3):
        response = client.get(reverse("payments:choose"))
    assert "Voucher TEN" in response.content.decode()
