"""Fixtures for the payments tests: orders to pay, notifications, the sandbox wired to a test client."""

import base64
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coleman.payments.processors import get_processor
from coleman.payments.sandbox import google as sandbox_google
from coleman.payments.services import record_checkout
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory

MERCHANT_ID = "1234567890"
MERCHANT_KEY = "sandbox-google-merchant-key-not-secret"  # noqa: S105 - the sandbox's dev/test key
NOTIFY_URL = "/payments/google/notify/"


def basic(user, password):
    """An HTTP Basic ``Authorization`` header value, built here independently of the app."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


GOOD_AUTH = basic(MERCHANT_ID, MERCHANT_KEY)


@pytest.fixture
def google():
    """The installed Google Checkout processor."""
    return get_processor("google")


@pytest.fixture
def order(db):
    """A NEW order of two lines: 2 x 10.00 + 1 x 5.50, shipping 5.00, total 30.50."""
    order = OrderFactory(subtotal=Decimal("25.50"), shipping=Decimal("5.00"), total=Decimal("30.50"))
    LineFactory(
        order=order,
        product=ProductFactory(price=Decimal("10.00"), weight=Decimal("2.5")),
        quantity=2,
        weight=Decimal("2.5"),
        unit_price=Decimal("10.00"),
        line_total=Decimal("20.00"),
    )
    LineFactory(
        order=order,
        product=ProductFactory(price=Decimal("5.50")),
        quantity=1,
        unit_price=Decimal("5.50"),
        line_total=Decimal("5.50"),
    )
    return order


@pytest.fixture
def handed_off(order):
    """The order after the store handed it to Google (its checkout transaction exists)."""
    record_checkout(order, "google")
    return order


def new_order_xml(order_number, *, serial="serial-1", google_number="841171949013218", total="30.50", currency="USD"):
    """A new-order-notification as Google sent it (abridged to what the store reads)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<new-order-notification xmlns="http://checkout.google.com/schema/2" serial-number="{serial}">
  <google-order-number>{google_number}</google-order-number>
  <shopping-cart>
    <merchant-private-data><merchant-note>{order_number}</merchant-note></merchant-private-data>
    <items><item><item-name>Dried cranberries</item-name><unit-price currency="USD">10.00</unit-price>
    <quantity>2</quantity></item></items>
  </shopping-cart>
  <order-adjustment><shipping><flat-rate-shipping-adjustment>
    <shipping-name>Flat rate</shipping-name><shipping-cost currency="USD">5.00</shipping-cost>
  </flat-rate-shipping-adjustment></shipping></order-adjustment>
  <order-total currency="{currency}">{total}</order-total>
  <fulfillment-order-state>NEW</fulfillment-order-state>
  <financial-order-state>REVIEWING</financial-order-state>
</new-order-notification>""".encode()


def state_change_xml(*, serial, financial, google_number="841171949013218", fulfillment="NEW"):
    """An order-state-change-notification."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<order-state-change-notification xmlns="http://checkout.google.com/schema/2" serial-number="{serial}">
  <google-order-number>{google_number}</google-order-number>
  <new-financial-order-state>{financial}</new-financial-order-state>
  <new-fulfillment-order-state>{fulfillment}</new-fulfillment-order-state>
  <previous-financial-order-state>REVIEWING</previous-financial-order-state>
  <previous-fulfillment-order-state>NEW</previous-fulfillment-order-state>
</order-state-change-notification>""".encode()


def amount_xml(kind, *, serial, latest, total, google_number="841171949013218"):
    """A charge-amount / refund-amount / chargeback-amount notification."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{kind}-amount-notification xmlns="http://checkout.google.com/schema/2" serial-number="{serial}">
  <google-order-number>{google_number}</google-order-number>
  <latest-{kind}-amount currency="USD">{latest}</latest-{kind}-amount>
  <total-{kind}-amount currency="USD">{total}</total-{kind}-amount>
</{kind}-amount-notification>""".encode()


@pytest.fixture
def notify(client):
    """POST a notification body to the store with (by default) the right credentials."""

    def post(body, auth=GOOD_AUTH):
        headers = {"HTTP_AUTHORIZATION": auth} if auth is not None else {}
        return client.post(NOTIFY_URL, data=body, content_type="application/xml", **headers)

    return post


@pytest.fixture
def sandbox_posts_to_client(monkeypatch):
    """Route the sandbox's outbound notifications through a Django test client (no server needed)."""
    store = Client()
    delivered = []

    def post_notification(url, body, authorization):
        response = store.post(
            reverse("payments:google:notify"),
            data=body,
            content_type="application/xml",
            HTTP_AUTHORIZATION=authorization,
        )
        delivered.append((body, response.status_code))
        return response.status_code, response.content

    monkeypatch.setattr(sandbox_google, "post_notification", post_notification)
    return delivered
