"""A processor written outside Coleman: its own settings, URLs, hand-off and checks, nothing in coleman.conf.

``HostedPay`` is the shape of a hosted-checkout service (a Stripe-like one): the hand-off asks
the service's API for a payment page and redirects the shopper there; the service reports the
payment to a signed webhook. Its API is a real HTTP server on loopback (``ScriptedServer``).
"""

import hashlib
import hmac
import importlib
import json
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.http import HttpResponse, HttpResponseRedirect
from django.test import Client
from django.urls import clear_url_caches, path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.conf import coleman_settings
from coleman.orders.models import Order
from coleman.orders.statuses import Status
from coleman.payments.amounts import format_amount
from coleman.payments.checks import check_processors, check_sandbox
from coleman.payments.exceptions import GatewayRefused
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.processors.base import PaymentProcessor
from coleman.payments.processors.views import ProcessorReturnView, remote_addr
from coleman.payments.services import apply_once, log_rejected, move_order, record_checkout
from tests.factories.orders import ADDRESS, OrderFactory
from tests.factories.products import ProductFactory
from tests.payments.scripted_server import ScriptedServer, closed_port_url

pytestmark = pytest.mark.django_db

WEBHOOK_SECRET = "whsec-test"


@method_decorator(csrf_exempt, name="dispatch")
class HostedPayWebhook(View):
    """The service's signed report of a payment: ``X-Signature`` is the HMAC-SHA256 of the body."""

    processor = None
    http_method_names = ["post"]

    def post(self, request):
        processor, body = self.processor, request.body
        expected = hmac.new(processor.setting("WEBHOOK_SECRET").encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
            log_rejected(processor.name, "payment", body, "Bad signature.", remote_addr=remote_addr(request))
            return HttpResponse("Bad signature.", status=401)
        event = json.loads(body)
        order = Order.objects.get(number=event["order"])

        def pay(_event):
            move_order(order, Status.PAID, processor=processor.name, note=f"HostedPay {event['id']}")
            return EventOutcome.APPLIED, "Paid."

        apply_once(
            processor=processor.name,
            key=event["id"],
            kind="payment",
            body=body,
            parsed=event,
            order=order,
            apply=pay,
            remote_addr=remote_addr(request),
        )
        return HttpResponse("ok")


class HostedPay(PaymentProcessor):
    """A third-party hosted checkout: settings COLEMAN_HOSTEDPAY_*, URLs under /payments/hostedpay/."""

    name = "hostedpay"
    verbose_name = "HostedPay"
    settings_prefix = "HOSTEDPAY_"
    default_settings = {
        "API_BASE": "https://api.hostedpay.example/v1/",
        "SECRET_KEY": "",
        "WEBHOOK_SECRET": "",
    }
    endpoint_settings = ("API_BASE",)

    def check(self):
        if not self.setting("SECRET_KEY"):
            return [checks.Error("COLEMAN_HOSTEDPAY_SECRET_KEY must be set.", id="hostedpay.E001")]
        return []

    def get_urls(self):
        return [
            path("webhook/", HostedPayWebhook.as_view(processor=self), name="webhook"),
            path("return/<str:number>/", ProcessorReturnView.as_view(processor=self), name="return"),
        ]

    def get_checkout_response(self, request, order):
        """Ask the API for a payment page for ``order``; send the shopper there."""
        response = self.http_session().post(
            f"{self.setting('API_BASE')}sessions",
            data={
                "reference": order.number,
                "amount": format_amount(order.total),
                "return_url": self.absolute_url(request, "return", number=order.number),
            },
            headers={"Authorization": f"Bearer {self.setting('SECRET_KEY')}"},
        )
        if response.status_code != 200:
            raise GatewayRefused(f"HostedPay refused the session (HTTP {response.status_code}).")
        record_checkout(order, self.name)
        return HttpResponseRedirect(response.json()["url"])


def reload_urlconfs():
    """Rebuild the payments URLs (each processor's are mounted when the URLconf loads)."""
    importlib.reload(importlib.import_module("coleman.payments.urls"))
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def hostedpay(settings):
    """HostedPay installed after the store's own processors, its URLs mounted; removed afterwards."""
    settings.COLEMAN_PAYMENTS_PROCESSORS = [
        *coleman_settings.PAYMENTS_PROCESSORS,
        "tests.payments.test_third_party_processor.HostedPay",
    ]
    settings.COLEMAN_HOSTEDPAY_SECRET_KEY = "sk-test"
    settings.COLEMAN_HOSTEDPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    reload_urlconfs()
    yield get_processor("hostedpay")
    del settings.COLEMAN_PAYMENTS_PROCESSORS
    reload_urlconfs()


@pytest.fixture
def shopper(client):
    """A guest with 2 x 10.00 in the cart (total 25.00 with the flat-rate shipping)."""
    client.post(f"/cart/add/{ProductFactory(price=Decimal('10.00'), stock=None).pk}/", {"quantity": 2})
    return client


def place_order(client, processor_name):
    """GET the processor's checkout page, post it filled in and open the order's hand-off page
    it redirects to; returns the hand-off's response."""
    page = client.get(f"/checkout/{processor_name}/")
    assert page.status_code == 200
    token = page.context["form"].initial["checkout_token"]
    placed = client.post(
        f"/checkout/{processor_name}/", {"checkout_token": token, "email": "ada@example.com", **ADDRESS}
    )
    assert placed.status_code == 302 and placed["Location"].startswith(f"/checkout/{processor_name}/pay/")
    return client.get(placed["Location"])


def test_its_settings_are_its_own_and_read_when_used(hostedpay, settings):
    """COLEMAN_HOSTEDPAY_* settings with the class's defaults, read at call time; the base class's
    TIMEOUT reaches its HTTP session."""
    assert hostedpay.setting("API_BASE") == "https://api.hostedpay.example/v1/"
    settings.COLEMAN_HOSTEDPAY_API_BASE = "https://eu.hostedpay.example/v1/"
    settings.COLEMAN_HOSTEDPAY_TIMEOUT = 4
    assert hostedpay.setting("API_BASE") == "https://eu.hostedpay.example/v1/"
    assert hostedpay.http_session().timeout == 4


def test_checkout_hands_off_to_its_payment_page(hostedpay, shopper, settings):
    """/checkout/hostedpay/ saves the order, asks the API (with its secret key) for a page and redirects there."""
    with ScriptedServer((200, b'{"url": "https://pay.hostedpay.example/s/42"}')) as api:
        settings.COLEMAN_HOSTEDPAY_API_BASE = api.url
        response = place_order(shopper, "hostedpay")
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == "https://pay.hostedpay.example/s/42"
    [(method, api_path, headers, body)] = api.requests
    assert (method, api_path, headers["Authorization"]) == ("POST", "/sessions", "Bearer sk-test")
    assert f"reference={order.number}".encode() in body and b"amount=25.00" in body
    assert f"return_url=http%3A%2F%2Ftestserver%2Fpayments%2Fhostedpay%2Freturn%2F{order.number}%2F".encode() in body
    assert PaymentTransaction.objects.get(order=order).processor == "hostedpay"


def test_a_service_that_cannot_be_reached_leaves_the_order_saved_with_a_message(hostedpay, shopper, settings):
    """The API is down: the checkout shows the saved, unpaid order and says why (no 500)."""
    settings.COLEMAN_HOSTEDPAY_API_BASE = closed_port_url()
    response = place_order(shopper, "hostedpay")
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    page = shopper.get(response["Location"]).content.decode().replace("\n", " ")
    assert "HostedPay could not take the payment right now (HostedPay could not be reached" in page
    assert order.status_id == Status.NEW


def test_its_signed_webhook_pays_the_order_once(hostedpay):
    """Its own URL under /payments/hostedpay/ takes the signed report: the order is PAID once;
    a bad signature is refused (401) and logged."""
    order = OrderFactory()
    body = json.dumps({"id": "evt_1", "order": order.number, "status": "paid"}).encode()
    signature = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    post = Client(enforce_csrf_checks=True).post
    url = "/payments/hostedpay/webhook/"
    assert post(url, body, content_type="application/json", HTTP_X_SIGNATURE="0" * 64).status_code == 401
    assert post(url, body, content_type="application/json", HTTP_X_SIGNATURE=signature).status_code == 200
    assert post(url, body, content_type="application/json", HTTP_X_SIGNATURE=signature).status_code == 200
    order.refresh_from_db()
    assert order.status_id == Status.PAID and order.history.filter(to_status=Status.PAID).count() == 1
    outcomes = list(PaymentEvent.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == [EventOutcome.REJECTED, EventOutcome.APPLIED, EventOutcome.DUPLICATE]


def test_the_system_checks_know_it(hostedpay, settings):
    """Its own check runs with the others; its endpoint is checked like the store's processors'."""
    del settings.COLEMAN_HOSTEDPAY_SECRET_KEY
    assert "hostedpay.E001" in [error.id for error in check_processors()]
    settings.COLEMAN_PAYMENTS_ALLOW_SANDBOX = False
    settings.COLEMAN_HOSTEDPAY_API_BASE = "https://api.sandbox.hostedpay.example/v1/"
    sandbox_errors = [e.msg for e in check_sandbox() if e.obj == "tests.payments.test_third_party_processor.HostedPay"]
    assert len(sandbox_errors) == 1 and sandbox_errors[0].startswith("COLEMAN_HOSTEDPAY_API_BASE points at a sandbox")
