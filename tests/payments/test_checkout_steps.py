"""One shape of payment path for every processor, with the same step indicator on each page:
Cart → Details → Pay → Done."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from coleman.orders.models import Order
from coleman.orders.services import transition
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
PROCESSORS = ["google", "paypal", "amazon"]


def current_step(response):
    """The label of the step marked current on the page (None without the indicator)."""
    html = response.content.decode()
    nav = re.search(r'<nav class="checkout-steps"[^>]*>(.*?)</nav>', html, re.S)
    if nav is None:
        return None
    assert [re.sub(r"<.*", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav[1], re.S)] == [
        "Cart",
        "Details",
        "Pay",
        "Done",
    ]
    return re.search(r'<li[^>]*aria-current="step"[^>]*>([^<]+)', nav[1])[1]


@pytest.fixture
def shopper(client, settings):
    """A guest with a product in the cart (no IPN thread from the PayPal sandbox)."""
    settings.COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False
    client.post(reverse("cart:add-item", args=[ProductFactory(price=Decimal("10.00")).pk]), {"quantity": 1})
    return client


@pytest.mark.parametrize("processor", PROCESSORS)
def test_every_processor_goes_cart_details_pay_done(shopper, processor, django_capture_on_commit_callbacks):
    """For each processor: the cart is step 1, its checkout step 2; "Place order" redirects to
    the same kind of address, /checkout/<processor>/pay/<number>/ (step 3, the hand-off); the
    order page is "Pay" while unpaid and "Done" once paid."""
    assert current_step(shopper.get("/cart/")) == "Cart"
    page = shopper.get(f"/checkout/{processor}/")
    assert current_step(page) == "Details"
    data = {name: unescape(value) for name, value in HIDDEN.findall(page.content.decode())}
    data.update(ADDRESS, email="ada@example.com")
    placed = shopper.post(f"/checkout/{processor}/", data)
    order = Order.objects.get()
    assert placed.status_code == 302
    assert placed["Location"] == f"/checkout/{processor}/pay/{order.number}/"
    handoff = shopper.get(placed["Location"])
    if handoff.status_code == 200:  # a page with a form (Google)
        assert current_step(handoff) == "Pay"
    else:  # a redirect to the service's page (PayPal, Amazon)
        assert handoff.status_code == 302 and "/sandbox/" in handoff["Location"]
    assert current_step(shopper.get(order.get_absolute_url())) == "Pay"
    with django_capture_on_commit_callbacks(execute=True):
        transition(order, "PAID", by="test")
    assert current_step(shopper.get(order.get_absolute_url())) == "Done"


def test_paypal_review_page_is_the_pay_step(shopper):
    """Back from PayPal, the page where the shopper confirms the payment is still "Pay"."""
    page = shopper.get("/checkout/paypal/")
    data = {name: unescape(value) for name, value in HIDDEN.findall(page.content.decode())}
    data.update(ADDRESS, email="ada@example.com")
    handoff = shopper.get(shopper.post("/checkout/paypal/", data)["Location"])
    location = handoff["Location"]
    token = re.search(r"token=([^&]+)", location)[1]
    shopper.get(location)
    approved = shopper.post(location.split("?")[0], {"cmd": "_express-checkout", "token": token, "decision": "pay"})
    review = shopper.get(approved["Location"])
    assert review.status_code == 200 and current_step(review) == "Pay"
