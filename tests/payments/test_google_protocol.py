"""Google Checkout protocol documents: signatures against independent vectors, required elements."""

import base64
import hashlib
from decimal import Decimal

import pytest
from django.test import RequestFactory
from lxml import etree

from coleman.payments.exceptions import GatewayError, Unauthenticated
from coleman.payments.http import gateway_session
from coleman.payments.processors.google import protocol as g
from coleman.payments.processors.google.client import OrderProcessingClient
from coleman.payments.sandbox.google import documents as sandbox_documents
from tests.factories.products import ProductFactory
from tests.payments.documents import basic
from tests.payments.schemas import assert_valid_google_document
from tests.payments.scripted_server import ScriptedServer, closed_port_url

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


def test_the_sandbox_signs_and_authenticates_with_its_own_code():
    """The gateway sandbox's own HMAC-SHA1 and HTTP Basic lines give the published answers
    (RFC 2202 test case 2, RFC 7617's example), so the two sides cannot share a bug."""
    assert (
        sandbox_documents.cart_signature(b"what do ya want for nothing?", "Jefe").hex()
        == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    )
    assert sandbox_documents.basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="


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
    """The store's cart for ``order``, validated against the Checkout API schema."""
    root = assert_valid_google_document(google.cart_xml(request_, order), "checkout-shopping-cart")
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
        (g.deliver_order_document("123", "77", "fedex"), "deliver-order", ["tracking-data/carrier"]),
        (g.deliver_order_document("123", "77", "Royal Mail"), "deliver-order", ["tracking-data/carrier"]),
        (g.deliver_order_document("123"), "deliver-order", ["send-email"]),
        (g.refund_order_document("123", Decimal("1"), "USD", ""), "refund-order", ["reason"]),
    ],
)
def test_order_processing_documents(document, root_tag, required):
    """Each command names the Google order, has the elements the API requires and is valid
    Checkout API XML (carrier names are Google's: "fedex" is sent as FedEx, an unknown one as Other)."""
    root = assert_valid_google_document(document, root_tag)
    assert etree.QName(root).localname == root_tag and etree.QName(root).namespace == g.NAMESPACE
    assert root.get("google-order-number") == "123"
    for path in required:
        assert root.find("/".join(f"g:{p}" for p in path.split("/")), NS) is not None, path
    amount = root.find("g:amount", NS)
    if amount is not None:
        assert amount.get("currency") == "USD" and "." in amount.text and len(amount.text.split(".")[1]) == 2


def test_acknowledgment_document():
    """The acknowledgment echoes the serial number in Google's namespace."""
    root = assert_valid_google_document(g.acknowledgment("s-1"), "notification-acknowledgment")
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


RECEIVED = b'<request-received xmlns="http://checkout.google.com/schema/2" serial-number="1"/>'


def test_client_posts_the_command_with_basic_auth():
    """The client posts the document to request/Merchant/<id> with Basic auth and XML headers."""
    with ScriptedServer((200, RECEIVED)) as server:
        client = OrderProcessingClient(
            gateway_session("Google Checkout"), api_base=server.url, merchant_id="42", merchant_key="k"
        )
        assert client.send(g.archive_order_document("1")) == "1"
    [(method, path, headers, body)] = server.requests
    assert (method, path) == ("POST", "/request/Merchant/42")
    assert headers["Authorization"] == basic("42", "k")
    assert headers["Content-Type"].startswith("application/xml") and body == g.archive_order_document("1")


def test_the_processor_gives_its_client_the_certificate_and_timeout(google, settings):
    """COLEMAN_GOOGLE_CLIENT_CERT and COLEMAN_GOOGLE_TIMEOUT reach the client's session."""
    settings.COLEMAN_GOOGLE_CLIENT_CERT = ["/c.pem", "/k.pem"]
    settings.COLEMAN_GOOGLE_TIMEOUT = 7
    session = google.client().session
    assert (session.cert, session.timeout) == (("/c.pem", "/k.pem"), 7)
    assert (
        google.client().url == f"http://testserver/sandbox/google/api/checkout/v2/request/Merchant/{google.merchant_id}"
    )


def test_a_network_error_is_a_gateway_error():
    """A service that cannot be reached becomes GatewayError (no traceback for staff)."""
    client = OrderProcessingClient(
        gateway_session("Google Checkout"), api_base=closed_port_url(), merchant_id="42", merchant_key="k"
    )
    with pytest.raises(GatewayError, match="Google Checkout could not be reached"):
        client.send(g.archive_order_document("1"))


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


@pytest.mark.django_db
def test_the_sandboxs_documents_are_valid_checkout_xml(google, request_, order):
    """Every document the sandbox sends (notifications for an XML and an HTML cart, command answers)
    is valid against the Checkout API schema; new-order echoes the merchant's shopping-cart and
    carries buyer-billing-address, buyer-marketing-preferences and item descriptions; the risk
    notification carries the billing address."""
    carts = [
        sandbox_documents.read_xml_cart(google.cart_xml(request_, order)),
        sandbox_documents.read_html_cart(dict(google.html_api_fields(request_, order))),
    ]
    for cart in carts:
        sandbox_order = {"google_number": "123456789012345", "cart": cart, "total": "30.50", "fulfillment": "NEW"}
        new_order = assert_valid_google_document(
            sandbox_documents.new_order_document(sandbox_order), "new-order-notification"
        )
        for path in ("g:buyer-billing-address/g:address1", "g:buyer-marketing-preferences/g:email-allowed"):
            assert new_order.find(path, NS) is not None, path
        assert all(i.findtext("g:item-description", namespaces=NS) for i in new_order.iterfind(".//g:item", NS))
        assert "".join(new_order.find(".//g:merchant-private-data", NS).itertext()).strip() == order.number
        risk = assert_valid_google_document(sandbox_documents.risk_document(sandbox_order))
        assert risk.find("g:risk-information/g:billing-address/g:postal-code", NS) is not None
        assert_valid_google_document(
            sandbox_documents.state_change_document(sandbox_order, "PAYMENT_DECLINED", "REVIEWING", reason="Card")
        )
        for kind in ("charge", "refund", "chargeback"):
            assert_valid_google_document(sandbox_documents.amount_document(sandbox_order, kind, "1.00", "1.00"))
    # The XML cart is echoed as sent: its per-item private data comes back too.
    echoed = assert_valid_google_document(
        sandbox_documents.new_order_document({**sandbox_order, "cart": carts[0]}), "new-order-notification"
    )
    assert echoed.findtext(".//g:merchant-private-item-data/g:order-number", namespaces=NS) == order.number
    assert_valid_google_document(sandbox_documents.error_document("No."), "error")
    assert_valid_google_document(sandbox_documents.received_document(), "request-received")


def flat_rates(root):
    """``[(name, price), …]`` of a cart's flat-rate-shipping options, in order."""
    return [
        (f.get("name"), f.findtext("g:price", namespaces=NS))
        for f in root.findall(".//g:shipping-methods/g:flat-rate-shipping", NS)
    ]


@pytest.mark.django_db
def test_every_flat_rate_option_is_offered_side_by_side(google, request_, order, settings):
    """COLEMAN_GOOGLE_SHIPPING_METHODS: fixed options (the book's USPS Priority Mail 4.00 and Free
    Shipping 0.00) and shipping calculators (quoting the order's lines) are offered side by side;
    by default only the store's own charge is."""
    assert flat_rates(cart_root(google, request_, order)) == [("Flat rate", "5.00")]
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = [
        {"name": "USPS Priority Mail", "price": "4.00"},
        {"name": "Free Shipping", "price": "0"},
        "coleman.orders.shipping.PerItemShipping",
        {"name": "By the pound", "calculator": "coleman.orders.shipping.WeightTableShipping"},
        {"name": "Free Shipping", "price": "9.99"},
    ]
    # 3 units: 3 x 1.50 per item; 2 x 2.5 lb = 5 lb is the 5 lb row of the weight table (7.50).
    assert flat_rates(cart_root(google, request_, order)) == [
        ("USPS Priority Mail", "4.00"),
        ("Free Shipping", "0.00"),
        ("Per item", "4.50"),
        ("By the pound", "7.50"),
    ]
    assert dict(google.html_api_fields(request_, order))["ship_method_name_2"] == "Free Shipping"


@pytest.mark.django_db
def test_carrier_shipping_carries_handling_and_percentage(google, request_, order, settings):
    """Carrier options carry the handling charge (additional-fixed-charge) and the percentage
    adjustment (additional-variable-charge-percent) from the settings; listed flat-rate options
    are offered beside them."""
    settings.COLEMAN_GOOGLE_CARRIER_SHIPPING = {
        "ship_from": {"city": "Boston", "region": "MA", "postal_code": "02110", "country": "US"},
        "methods": [["USPS", "Priority Mail"]],
        "default_price": "10.00",
        "handling": "1.5",
        "adjust_percent": "-5",
    }
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = [{"name": "Free Shipping", "price": "0.00"}]
    root = cart_root(google, request_, order)
    option = root.find(".//g:carrier-calculated-shipping-option", NS)
    fixed = option.find("g:additional-fixed-charge", NS)
    assert (fixed.text, fixed.get("currency")) == ("1.50", "USD")
    assert option.findtext("g:additional-variable-charge-percent", namespaces=NS) == "-5"
    assert flat_rates(root) == [("Free Shipping", "0.00")]
