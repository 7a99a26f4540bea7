"""Google Checkout Digital Delivery (book chapter 9): the cart's ``<digital-content>`` for really
digital products (files, license keys, subscriptions, neither), filled through the payments
app's seam by the digital app, and the sandbox's confirmation page that shows what was delivered."""

import base64
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from lxml import etree

from coleman.digital import services as digital_services
from coleman.orders.models import Order
from coleman.payments.processors.google import protocol as g
from coleman.payments.sandbox.google import documents as sandbox_documents
from tests.factories.digital import AssetFactory, DigitalProductFactory, PlanFactory, order_with
from tests.factories.products import ProductFactory
from tests.helpers import site_without
from tests.payments.schemas import assert_valid_google_document
from tests.payments.test_checkout_and_sandbox import checkout_form, hidden_fields

pytestmark = pytest.mark.django_db

NS = {"g": g.NAMESPACE}
KEY = "1456-1514-3657-2198"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Downloadable files go to a private folder of this test's own."""
    settings.COLEMAN_DIGITAL_ROOT = str(tmp_path / "private")


@pytest.fixture
def request_():
    return RequestFactory().get("/", HTTP_HOST="localhost")


@pytest.fixture
def products():
    """One really digital product per delivery method: file + key, key only, subscription, bare."""
    with_file = AssetFactory(product__name="Cookbook").product
    digital_services.add_license_keys(with_file, [KEY])
    key_only = DigitalProductFactory(name="Jam Planner")
    digital_services.add_license_keys(key_only, ["JAM-0001"])
    club = PlanFactory(product__name="Growers' Club").product
    bare = DigitalProductFactory(name="Bog tour")
    return with_file, key_only, club, bare


def digital_items(root):
    """``{item name: digital-content element or None}``."""
    return {
        item.findtext("g:item-name", namespaces=NS): item.find("g:digital-content", NS)
        for item in root.iterfind("g:shopping-cart/g:items/g:item", NS)
    }


def test_cart_carries_the_three_delivery_methods(google, request_, products):
    """Key/URL (the pool's key and an absolute link to the order's /downloads/ page), description
    (subscriptions), e-mail (anything else); all OPTIMISTIC; a key is reserved for the order before
    payment; a digital-only cart offers no shipping method; the cart is valid Checkout XML."""
    with_file, key_only, club, bare = products
    order = order_with(*products, guest_email="guest@example.com")
    root = assert_valid_google_document(google.cart_xml(request_, order), "checkout-shopping-cart")
    items = digital_items(root)
    assert all(c.findtext("g:display-disposition", namespaces=NS) == "OPTIMISTIC" for c in items.values())

    cookbook = items["Cookbook"]
    assert cookbook.findtext("g:key", namespaces=NS) == KEY
    assert re.fullmatch(r"http://localhost/downloads/order/[^/]+/", cookbook.findtext("g:url", namespaces=NS))
    assert cookbook.findtext("g:description", namespaces=NS) == "Download Cookbook from your order page."
    planner = items["Jam Planner"]
    assert planner.findtext("g:key", namespaces=NS) == "JAM-0001"
    assert planner.findtext("g:url", namespaces=NS).startswith("http://localhost/downloads/order/")

    club_content = items["Growers' Club"]
    assert "starts as soon as the payment is confirmed" in club_content.findtext("g:description", namespaces=NS)
    assert club_content.find("g:key", NS) is None and club_content.find("g:url", NS) is None

    tour = items["Bog tour"]
    assert tour.findtext("g:email-delivery", namespaces=NS) == "true"
    assert [tag for tag in ("g:key", "g:url", "g:description") if tour.find(tag, NS) is not None] == []

    assert root.find(".//g:shipping-methods", NS) is None
    entitlement = order.entitlements.get(product=with_file)
    assert entitlement.activated_at is None and entitlement.license_keys.get().key == KEY


def test_a_mixed_cart_ships_its_physical_part_only(google, request_, products):
    """Digital and physical lines together: digital-content on the digital line only, and the
    shipping methods are offered for the physical part."""
    jam = ProductFactory(name="Cranberry Jam", price=Decimal("4.50"))
    order = order_with(products[0], jam, guest_email="guest@example.com")
    root = assert_valid_google_document(google.cart_xml(request_, order))
    items = digital_items(root)
    assert items["Cranberry Jam"] is None and items["Cookbook"] is not None
    assert root.find(".//g:shipping-methods/g:flat-rate-shipping", NS) is not None


def test_without_the_digital_app_digital_lines_fall_back_to_email_delivery(google, request_, products):
    """With coleman.digital removed, the seam has no provider: every digital line is e-mail
    delivery (the store sends the instructions), and no entitlement or key is touched."""
    order = order_with(*products, guest_email="guest@example.com")
    with site_without(["coleman.digital"]):
        root = assert_valid_google_document(google.cart_xml(request_, order))
    items = digital_items(root)
    assert {name: c.findtext("g:email-delivery", namespaces=NS) for name, c in items.items()} == dict.fromkeys(
        ["Cookbook", "Jam Planner", "Growers' Club", "Bog tour"], "true"
    )
    assert not order.entitlements.exists()


@pytest.mark.parametrize("size", [1, 4])
def test_cart_queries_do_not_grow_with_digital_lines(google, request_, size, django_assert_num_queries):
    """Building the cart of an order with 1 or 4 digital lines (each with a file and a key) takes
    the same number of queries once its purchases exist (the first hand-off creates them)."""
    assets = [AssetFactory() for _ in range(size)]
    for number, asset in enumerate(assets):
        digital_services.add_license_keys(asset.product, [f"KEY-{number}"])
    order = order_with(*(asset.product for asset in assets), guest_email="guest@example.com")
    google.cart_xml(request_, order)
    with django_assert_num_queries(QUERIES_FOR_A_DIGITAL_CART):
        google.cart_xml(request_, order)


# The order's lines, its digital line ids, its entitlements, their files and their keys (prefetched).
QUERIES_FOR_A_DIGITAL_CART = 5


def test_sandbox_confirmation_page_shows_what_was_delivered(client, products):
    """Paying in the sandbox for digital goods ends on Google's confirmation page: the key, the link
    and the description of each item, the e-mail notice, and the way back to the store; the link
    opens the paid order's page with the key."""
    with_file, key_only, club, bare = products
    for product in products:
        product.price, product.stock = Decimal("3.00"), None
        product.save()
        client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 1})
    handoff = client.post("/checkout/google/", checkout_form(client), follow=True)
    fields = hidden_fields(handoff.content.decode())
    assert_valid_google_document(base64.b64decode(fields["cart"]), "checkout-shopping-cart")
    action = re.search(r'<form method="post" action="([^"]+)" class="payments-handoff"', handoff.content.decode())[1]
    page = client.post(action, {"cart": fields["cart"], "signature": fields["signature"]})
    state = hidden_fields(page.content.decode())["state"]
    confirmation = client.post(reverse("sandbox:google-pay"), {"state": state, "decision": "pay"})
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    order = Order.objects.get()
    assert order.status_id == "PAID" and order.total == Decimal("12.00")  # nothing ships
    assert f'<code class="digital-key">{KEY}</code>' in html
    assert '<code class="digital-key">JAM-0001</code>' in html
    assert "Download Cookbook from your order page." in html
    assert "Your subscription (Growers&#x27; Club) starts as soon as the payment is confirmed" in html
    assert "The merchant will email you instructions for accessing this item." in html
    assert f'href="http://testserver/payments/google/return/{order.number}/"' in html
    link = re.search(r'<a class="digital-url" href="([^"]+)"', html)[1]
    assert link.startswith("http://testserver/downloads/order/")
    opened = client.get(link, follow=True)
    assert opened.status_code == 200 and KEY in opened.content.decode()


def test_the_sandbox_links_only_web_addresses():
    """A digital-content url that is not http(s) (javascript:…) is not turned into a link."""
    element = etree.fromstring(
        b'<digital-content xmlns="http://checkout.google.com/schema/2"><url>javascript:alert(1)</url>'
        b"<description>x</description></digital-content>"
    )
    assert sandbox_documents.read_digital_content(element)["url"] == ""
