"""The cart is kept until the payment is confirmed: emptied when the order is paid, kept when
the payment is declined or cancelled; an unpaid order can be paid later; abandoned unpaid
orders (PayPal's too) are cleaned up."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coleman.cart.cart import SESSION_KEY
from coleman.orders.models import Order
from coleman.payments.models import PaymentTransaction
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _no_ipn_delivery(settings):
    """The PayPal sandbox keeps its IPNs instead of posting them (no thread in these tests)."""
    settings.COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False


@pytest.fixture
def shopper(client):
    """A guest with 2 x 10.00 of a stocked product in the cart."""
    product = ProductFactory(price=Decimal("10.00"), stock=10)
    client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 2})
    return client


def cart_items(client):
    """The lines of the browser's cart, as kept in its session."""
    return client.session.get(SESSION_KEY, {}).get("items", [])


def place_order(client, processor):
    """Fill and post the processor's checkout form; the order and the hand-off response."""
    page = client.get(f"/checkout/{processor}/").content.decode()
    data = {name: unescape(value) for name, value in HIDDEN.findall(page)}
    data.update(ADDRESS, email="ada@example.com")
    placed = client.post(f"/checkout/{processor}/", data)
    assert placed.status_code == 302
    return Order.objects.latest("placed_at"), client.get(placed["Location"])


def google_sandbox(client, handoff, decision):
    """Post Google's hand-off form to the sandbox and press Pay or Decline there."""
    html = handoff.content.decode()
    fields = {name: unescape(value) for name, value in HIDDEN.findall(html)}
    action = re.search(r'<form method="post" action="([^"]+)" class="payments-handoff"', html)[1]
    page = client.post(action, {"cart": fields["cart"], "signature": fields["signature"]})
    state = {name: unescape(value) for name, value in HIDDEN.findall(page.content.decode())}["state"]
    return client.post(reverse("sandbox:google-pay"), {"state": state, "decision": decision})


def test_the_cart_is_kept_after_placing_and_emptied_when_paid(shopper, django_capture_on_commit_callbacks):
    """ "Place order" keeps the cart; Google's charge notification (server to server) pays the
    order and empties the cart of the session that placed it."""
    order, handoff = place_order(shopper, "google")
    assert len(cart_items(shopper)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        back = google_sandbox(shopper, handoff, "pay")
    order.refresh_from_db()
    assert order.status_id == "PAID" and order.cart_session_key == ""
    assert cart_items(shopper) == []
    assert b"was received" in shopper.get(back.url, follow=True).content


def test_a_declined_payment_keeps_the_cart_and_the_order_can_be_paid_later(shopper):
    """Declined at Google: the cart is intact. Placed without paying: the order page and My
    orders offer to pay it, and that hand-off works."""
    order, handoff = place_order(shopper, "google")
    google_sandbox(shopper, handoff, "decline")
    assert len(cart_items(shopper)) == 1

    unpaid, _ = place_order(shopper, "paypal")  # leave PayPal's page without deciding
    page = shopper.get(unpaid.get_absolute_url()).content.decode()
    pay_url = reverse("payments:pay", args=["paypal", unpaid.number])
    assert 'id="pay"' in page and f'href="{pay_url}"' in page
    handoff = shopper.get(pay_url)
    assert handoff.status_code == 302 and "/sandbox/paypal/" in handoff["Location"]


def test_cancelling_at_paypal_keeps_the_cart(shopper):
    """Cancel on PayPal's page: back at the cart, which still holds what was ordered."""
    order, handoff = place_order(shopper, "paypal")
    location = handoff["Location"]
    token = dict(parse_qsl(urlsplit(location).query))["token"]
    shopper.get(location)
    cancel = shopper.post(urlsplit(location).path, {"cmd": "_express-checkout", "token": token, "decision": "decline"})
    response = shopper.get(cancel["Location"])
    assert response["Location"] == "/cart/"
    assert len(cart_items(shopper)) == 1
    assert "1" in shopper.get("/cart/").content.decode()


def test_my_orders_links_an_unpaid_order_to_its_payment(client, django_user_model):
    """A customer's unpaid order has a "Pay now" link in My orders."""
    user = django_user_model.objects.create_user("cora", "cora@example.com", "pw-cora-123")
    client.force_login(user)
    client.post(reverse("cart:add-item", args=[ProductFactory(price=Decimal("3.00")).pk]), {"quantity": 1})
    order, _ = place_order(client, "google")
    html = client.get(reverse("orders:list")).content.decode()
    assert f'href="{order.get_absolute_url()}#pay">Pay now' in html


def test_an_order_already_paid_is_not_handed_off_again(shopper, django_capture_on_commit_callbacks):
    """The pay page of a paid order shows the order instead."""
    order, handoff = place_order(shopper, "google")
    with django_capture_on_commit_callbacks(execute=True):
        google_sandbox(shopper, handoff, "pay")
    response = shopper.get(reverse("payments:pay", args=["google", order.number]))
    assert response.status_code == 302 and response.url == order.get_absolute_url()


def test_abandoned_paypal_orders_awaiting_payment_are_cleaned_up(shopper):
    """A PayPal order handed off and never paid ("Awaiting Payment") is deleted by
    cleanup_abandoned_orders after the days have passed, its stock released."""
    order, handoff = place_order(shopper, "paypal")
    assert order.status.name == "Awaiting Payment"
    assert PaymentTransaction.objects.filter(order=order, processor="paypal").exists()
    product = order.lines.get().product
    assert product.stock == 8
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(days=30))
    call_command("cleanup_abandoned_orders", "--days", "14")
    assert not Order.objects.filter(pk=order.pk).exists()
    product.refresh_from_db()
    assert product.stock == 10
