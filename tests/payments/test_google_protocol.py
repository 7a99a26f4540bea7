"""Google Checkout protocol documents: signatures against independent vectors, required elements."""

import base64
import hashlib
from decimal import Decimal

import pytest
from django.test import RequestFactory
from lxml import etree

from coleman.payments.exceptions import GatewayError, Unauthenticated
from coleman.payments.processors import google as g
from tests.factories.products import ProductFactory

NS = {"g": g.NAMESPACE}


def hmac_sha1_by_hand(key: bytes, message: bytes) -> bytes:
    """RFC 2104 HMAC-SHA1 written out (ipad/opad), independent of the hmac module."""
    block = 64
    if len(key) > block:
        key = hashlib.sha1(key).digest()  # noqa: S324 - the protocol is HMAC-SHA1
    key = key.ljust(block, b"\0")
    inner = hashlib.sha1(bytes(b ^ 0x36 for b in key) + message).digest()  # noqa: S324
    return hashlib.sha1(bytes(b ^ 0x5C for b in key) + inner).digest()  # noqa: S324


def test_rfc2202_vector():
    """sign_cart matches RFC 2202 test case 2 (key "Jefe")."""
    digest = g.sign_cart(b"what do ya want for nothing?", "Jefe")
    assert digest.hex() == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"


@pytest.mark.parametrize("cart", [b"<a/>", "<item-name>Caf\u00e9</item-name>".encode(), b"x" * 5000])
def test_encode_cart_matches_hand_computed_signature(cart):
    """Both cart and signature are base64; the signature equals an HMAC-SHA1 computed by hand."""
    cart_b64, sig_b64 = g.encode_cart(cart, "merchant-key")
    assert base64.b64decode(cart_b64) == cart
    assert base64.b64decode(sig_b64) == hmac_sha1_by_hand(b"merchant-key", cart)
    assert g.verify_cart(cart_b64, sig_b64, "merchant-key") == cart
    with pytest.raises(Unauthenticated):
        g.verify_cart(cart_b64, sig_b64, "other-key")


def test_check_basic_auth():
    """Exactly the merchant id and key pass; anything else raises."""
    g.check_basic_auth("Basic " + base64.b64encode(b"123:key").decode(), "123", "key")
    for header in [
        "",
        "Basic",
        "Basic " + base64.b64encode(b"123:kex").decode(),
        "Basic " + base64.b64encode(b"123").decode(),
    ]:
        with pytest.raises(Unauthenticated):
            g.check_basic_auth(header, "123", "key")


@pytest.fixture
def request_():
    return RequestFactory().get("/", HTTP_HOST="localhost")


def cart_root(google, request_, order):
    root = etree.fromstring(google.cart_xml(request_, order))
    assert etree.QName(root).localname == "checkout-shopping-cart" and etree.QName(root).namespace == g.NAMESPACE
    return root


@pytest.mark.django_db
def test_cart_xml_has_required_elements(google, request_, order):
    """Each item has name, description, unit-price with currency, quantity; private data has our number."""
    root = cart_root(google, request_, order)
    items = root.findall("g:shopping-cart/g:items/g:item", NS)
    assert len(items) == 2
    for item, line in zip(items, order.lines.order_by("pk"), strict=True):
        assert item.findtext("g:item-name", namespaces=NS) == line.name
        assert item.findtext("g:item-description", namespaces=NS)
        assert item.find("g:unit-price", NS).get("currency") == "USD"
        assert Decimal(item.findtext("g:unit-price", namespaces=NS)) == line.unit_price
        assert int(item.findtext("g:quantity", namespaces=NS)) == line.quantity
        assert item.findtext("g:merchant-private-item-data/g:order-number", namespaces=NS) == order.number
        assert item.find("g:item-weight", NS) is None  # weights only for carrier-calculated shipping
    assert root.findtext("g:shopping-cart/g:merchant-private-data/g:merchant-note", namespaces=NS) == order.number
    flow = root.find("g:checkout-flow-support/g:merchant-checkout-flow-support", NS)
    flat = flow.find("g:shipping-methods/g:flat-rate-shipping", NS)
    assert Decimal(flat.findtext("g:price", namespaces=NS)) == order.shipping
    assert flow.findtext("g:continue-shopping-url", namespaces=NS).startswith(
        "http://localhost/payments/google/return/"
    )
    # Google's total (items + shipping) equals ours.
    items_total = sum(
        Decimal(i.findtext("g:unit-price", namespaces=NS)) * int(i.findtext("g:quantity", namespaces=NS)) for i in items
    )
    assert items_total + order.shipping == order.total


@pytest.mark.django_db
def test_cart_xml_escapes_product_names(google, request_, order):
    """Names with markup stay text (the document still parses and says what the shopper bought)."""
    line = order.lines.first()
    line.name = 'Jam & <"Sauce">'
    line.save()
    root = cart_root(google, request_, order)
    assert root.findtext("g:shopping-cart/g:items/g:item/g:item-name", namespaces=NS) == 'Jam & <"Sauce">'


@pytest.mark.django_db
def test_carrier_calculated_shipping(google, request_, order, settings):
    """With carrier shipping configured: weights on items, carrier options, package and ship-from."""
    settings.COLEMAN_GOOGLE_CARRIER_SHIPPING = {
        "ship_from": {"city": "Boston", "region": "MA", "postal_code": "02110", "country": "US"},
        "methods": [["FedEx", "Priority Overnight"], ["UPS", "Ground"]],
        "default_price": "10.00",
    }
    root = cart_root(google, request_, order)
    weights = root.findall("g:shopping-cart/g:items/g:item/g:item-weight", NS)
    assert [(w.get("unit"), w.get("value")) for w in weights] == [("LB", "2.500")]
    carrier = root.find(".//g:carrier-calculated-shipping", NS)
    options = carrier.findall("g:carrier-calculated-shipping-options/g:carrier-calculated-shipping-option", NS)
    assert [o.findtext("g:shipping-company", namespaces=NS) for o in options] == ["FedEx", "UPS"]
    assert all(o.findtext("g:price", namespaces=NS) == "10.00" for o in options)
    ship_from = carrier.find("g:shipping-packages/g:shipping-package/g:ship-from", NS)
    assert ship_from.findtext("g:postal-code", namespaces=NS) == "02110"
    assert root.find(".//g:flat-rate-shipping", NS) is None


@pytest.mark.django_db
def test_digital_items_get_digital_content(google, request_, order, monkeypatch):
    """Items the processor deems digital carry a digital-content element."""
    first = order.lines.order_by("pk").first()
    monkeypatch.setattr(type(google), "line_is_digital", lambda self, line: line.pk == first.pk)
    root = cart_root(google, request_, order)
    items = root.findall("g:shopping-cart/g:items/g:item", NS)
    assert items[0].findtext("g:digital-content/g:display-disposition", namespaces=NS) == "OPTIMISTIC"
    assert items[1].find("g:digital-content", NS) is None


@pytest.mark.django_db
def test_html_api_fields(google, request_, order):
    """The HTML API variant: numbered item fields, shipping, our order number as private data."""
    fields = dict(google.html_api_fields(request_, order))
    assert fields["item_quantity_1"] == "2" and fields["item_price_1"] == "10.00"
    assert fields["item_name_2"] == order.lines.order_by("pk")[1].name
    assert fields["ship_method_price_1"] == "5.00"
    assert fields["shopping-cart.merchant-private-data"] == order.number


@pytest.mark.django_db
def test_html_api_handoff(client, google, order, settings, request_):
    """COLEMAN_GOOGLE_CART_API="html" hands off to checkoutForm with the HTML API fields."""
    settings.COLEMAN_GOOGLE_CART_API = "html"
    context = google.get_handoff_context(request_, order)
    assert context["handoff"]["action"].endswith(f"checkoutForm/Merchant/{google.merchant_id}")
    assert ("shopping-cart.merchant-private-data", order.number) in context["handoff"]["fields"]


@pytest.mark.parametrize(
    ("document", "root_tag", "required"),
    [
        (g.charge_order_document("123", Decimal("30.5"), "USD"), "charge-order", ["amount"]),
        (
            g.refund_order_document("123", Decimal("1"), "USD", "Damaged", "sorry"),
            "refund-order",
            ["amount", "reason", "comment"],
        ),
        (g.cancel_order_document("123", "Out of stock"), "cancel-order", ["reason"]),
        (
            g.deliver_order_document("123", "1Z9", "UPS"),
            "deliver-order",
            ["tracking-data/carrier", "tracking-data/tracking-number", "send-email"],
        ),
        (
            g.add_tracking_data_document("123", "1Z9", "UPS"),
            "add-tracking-data",
            ["tracking-data/tracking-number"],
        ),
        (g.archive_order_document("123"), "archive-order", []),
    ],
)
def test_order_processing_documents(document, root_tag, required):
    """Each command names the Google order and has the elements the API requires."""
    root = etree.fromstring(document)
    assert etree.QName(root).localname == root_tag and etree.QName(root).namespace == g.NAMESPACE
    assert root.get("google-order-number") == "123"
    for path in required:
        assert root.find("/".join(f"g:{p}" for p in path.split("/")), NS) is not None, path
    amount = root.find("g:amount", NS)
    if amount is not None:
        assert amount.get("currency") == "USD" and "." in amount.text and len(amount.text.split(".")[1]) == 2


def test_acknowledgment_document():
    """The acknowledgment echoes the serial number in Google's namespace."""
    root = etree.fromstring(g.acknowledgment("s-1"))
    assert (etree.QName(root).localname, root.get("serial-number")) == ("notification-acknowledgment", "s-1")


def test_api_response_parsing():
    """request-received gives the serial; error documents and junk raise GatewayError."""
    assert (
        g.parse_api_response(b'<request-received xmlns="http://checkout.google.com/schema/2" serial-number="9"/>')
        == "9"
    )
    for body in [
        b'<error xmlns="http://checkout.google.com/schema/2"><error-message>No</error-message></error>',
        b"junk",
        b"<other/>",
    ]:
        with pytest.raises(GatewayError):
            g.parse_api_response(body)


def test_client_uses_basic_auth_cert_and_timeout():
    """The client posts to request/Merchant/<id> with Basic auth, the client certificate and a timeout."""
    calls = []

    def transport(url, body, *, auth, cert, timeout):
        calls.append((url, auth, cert, timeout))
        return 200, b'<request-received xmlns="http://checkout.google.com/schema/2" serial-number="1"/>'

    client = g.OrderProcessingClient(
        merchant_id="42",
        merchant_key="k",
        api_base="https://checkout.google.com/api/checkout/v2/",
        cert=("/c.pem", "/k.pem"),
        timeout=7,
        transport=transport,
    )
    assert client.send(g.archive_order_document("1")) == "1"
    assert calls == [
        (
            "https://checkout.google.com/api/checkout/v2/request/Merchant/42",
            ("42", "k"),
            ("/c.pem", "/k.pem"),
            7,
        )
    ]


def test_requests_transport_network_error_is_gateway_error(monkeypatch):
    """A network failure becomes GatewayError (no traceback for staff)."""
    import requests

    def boom(*args, **kwargs):
        raise requests.ConnectionError("down")

    monkeypatch.setattr(requests, "post", boom)
    with pytest.raises(GatewayError):
        g.requests_transport("https://x", b"", auth=("a", "b"), cert=None, timeout=1)


@pytest.mark.django_db
def test_buy_it_now_on_product_page_only_when_enabled(client, settings):
    """The product page shows Google's Buy It Now form when COLEMAN_GOOGLE_BUY_IT_NOW is on."""
    product = ProductFactory(price=Decimal("7.25"))
    assert b"Buy it now" not in client.get(product.get_absolute_url()).content
    settings.COLEMAN_GOOGLE_BUY_IT_NOW = True
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Buy it now with Google Checkout" in html
    assert 'name="item_price_1" value="7.25"' in html
    assert "/sandbox/google/api/checkout/v2/checkoutForm/Merchant/" in html
