"""The Order Processing API over real HTTP: requests + Basic auth against the sandbox on a live server."""

from decimal import Decimal

import pytest

from coleman.payments.exceptions import GatewayError
from coleman.payments.models import PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.sandbox import google as sandbox_google
from coleman.payments.services import record_checkout
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chargeable_over_http(live_server, settings):
    """A store order Google authorized (NEW_CHKOUT) and the sandbox's record of it, API base = live server."""
    settings.COLEMAN_GOOGLE_API_BASE = live_server.url + "/sandbox/google/api/checkout/v2/"
    order = OrderFactory(
        status_id="NEW_CHKOUT", subtotal=Decimal("10.00"), shipping=Decimal("5.00"), total=Decimal("15.00")
    )
    LineFactory(
        order=order,
        product=ProductFactory(price=Decimal("10.00")),
        unit_price=Decimal("10.00"),
        line_total=Decimal("10.00"),
    )
    checkout = record_checkout(order, "google")
    checkout.remote_id = "700000000000001"
    checkout.save()
    sandbox_google.save_order(
        {
            "google_number": "700000000000001",
            "merchant_id": get_processor("google").merchant_id,
            "cart": {
                "lines": [],
                "currency": "USD",
                "shipping_name": "",
                "shipping": "5.00",
                "carrier": False,
                "private_data": "",
                "continue_url": "",
                "edit_cart_url": "",
            },
            "total": "15.00",
            "charged": "0.00",
            "refunded": "0.00",
            "financial": "CHARGEABLE",
            "fulfillment": "NEW",
            "callback_url": live_server.url + "/payments/google/notify/",
        }
    )
    return order


def test_charge_over_http_then_notifications_mark_paid(chargeable_over_http):
    """charge-order goes out with requests + Basic auth; the sandbox notifies back; the order is PAID."""
    txn = get_processor("google").charge(chargeable_over_http)
    assert txn.status == "pending" and txn.remote_id  # Google's serial number of the request
    chargeable_over_http.refresh_from_db()
    assert chargeable_over_http.status_id == "PAID"
    assert PaymentTransaction.objects.filter(order=chargeable_over_http, kind="charge", status="succeeded").count() == 1


def test_wrong_merchant_key_over_http_is_refused(chargeable_over_http, settings):
    """With a wrong merchant key the sandbox answers 401 and staff get a GatewayError, nothing charged."""
    settings.COLEMAN_GOOGLE_MERCHANT_KEY = "not-the-key"
    with pytest.raises(GatewayError, match="refused the merchant id or key"):
        get_processor("google").charge(chargeable_over_http)
    chargeable_over_http.refresh_from_db()
    assert chargeable_over_http.status_id == "NEW_CHKOUT"
    assert PaymentTransaction.objects.get(order=chargeable_over_http, kind="charge").status == "failed"


def test_unreachable_service_is_a_gateway_error(chargeable_over_http, settings):
    """A service that cannot be reached (closed port) is a GatewayError with the transaction marked failed."""
    settings.COLEMAN_GOOGLE_API_BASE = "http://127.0.0.1:9/"
    settings.COLEMAN_GOOGLE_TIMEOUT = 2
    with pytest.raises(GatewayError, match="could not be reached"):
        get_processor("google").charge(chargeable_over_http)
