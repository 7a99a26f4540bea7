"""Real browser: fill the cart, change it, log in, place the order, find it under "My orders".

The journey runs twice: with JavaScript (adding to the cart stays on the product page and the
header updates through fetch) and without it (every form posts and redirects).

Logging in uses the customers app's login page when that app is installed; otherwise the
admin login form (a real Django login through ``LoginView`` that cycles the session key, so
the test also proves the cart survives logging in). For the admin form the shopper must be
staff, so the test user is staff in that case only.
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from coleman.orders.models import Order
from coleman.products.models import Product
from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def browser_context_args(request):
    """Run each journey with and without JavaScript."""
    return {"java_script_enabled": request.param}


def login_url():
    if apps.is_installed("coleman.customers"):
        return reverse("customers:login")
    return reverse("admin:login")


def test_cart_to_order_journey(live_server, page):
    """Add two products, change a quantity, remove one, log in, place the order (the cart is
    kept until it is paid), see it in My orders with "Pay now"."""
    jam = ProductFactory(name="Cranberry Jam", slug="cranberry-jam", price=Decimal("4.50"), stock=10)
    sauce = ProductFactory(name="Cranberry Sauce", slug="cranberry-sauce", price=Decimal("3.25"))
    get_user_model().objects.create_user(
        "ada", "ada@example.com", "pw-ada-123", is_staff=not apps.is_installed("coleman.customers")
    )

    page.goto(live_server.url + jam.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    page.goto(live_server.url + sauce.get_absolute_url())
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("3")
    expect(page.locator(".cart-summary-total")).to_have_text("$11.00")

    page.locator(".cart-summary").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator(".cart-subtotal")).to_have_text("$11.00")
    page.get_by_label("Quantity of Cranberry Jam").fill("3")
    page.get_by_role("button", name="Update cart").click()
    expect(page.locator(".cart-subtotal")).to_have_text("$20.00")
    page.get_by_role("button", name="Remove Cranberry Sauce").click()
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-subtotal")).to_have_text("$13.50")

    page.goto(live_server.url + login_url() + "?next=" + reverse("cart:detail"))
    page.locator("input[name=username]").fill("ada")
    page.locator("input[name=password]").fill("pw-ada-123")
    page.locator("input[name=password]").press("Enter")
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator(".cart-summary-count")).to_have_text("3")  # the cart survived logging in

    page.get_by_role("link", name="Checkout").click()
    expect(page.locator(".checkout-total")).to_have_text("$18.50")  # 13.50 + 5.00 flat rate
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address line 1").fill("12 Bog Road")
    page.get_by_label("City").fill("Wareham")
    page.get_by_label("State / region").fill("MA")
    page.get_by_label("Postal code").fill("02571")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Place order").click()

    if apps.is_installed("coleman.payments"):
        # The order is saved, then handed to the chosen payment service (paying is covered
        # by the payments journeys in test_pay_*.py).
        expect(page.get_by_role("heading", name=re.compile(r"^Pay for order "))).to_be_visible()
        order = Order.objects.get()
    else:
        expect(page.get_by_role("heading", name=re.compile(r"^Order "))).to_be_visible()
        order = Order.objects.get()
        expect(page).to_have_url(re.compile(re.escape(order.get_absolute_url()) + "$"))
    # The cart keeps its items until the order is paid (a declined payment must not lose it).
    expect(page.locator(".cart-summary-count")).to_have_text("3")
    assert order.user.username == "ada" and order.total == Decimal("18.50")
    assert Product.objects.get(pk=jam.pk).stock == 7

    page.goto(live_server.url + reverse("orders:list"))
    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    expect(page.get_by_role("link", name=order.number, exact=True)).to_be_visible()
    if apps.is_installed("coleman.payments"):
        expect(page.get_by_role("link", name=f"Pay now for order {order.number}")).to_be_visible()


def test_add_to_cart_errors_show_next_to_the_form(live_server, page, browser_context_args):
    """A too-large quantity is refused with the store's message.

    With JavaScript the message shows next to the form; without, on the cart page (400).
    """
    product = ProductFactory(name="Cranberry Relish")
    page.goto(live_server.url + product.get_absolute_url())
    page.get_by_label("Quantity").fill("500")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("You can buy at most 99 of one product.")).to_be_visible()
    expect(page.locator(".cart-summary-count")).to_have_text("0")
    if browser_context_args["java_script_enabled"]:
        expect(page).to_have_url(re.compile(re.escape(product.get_absolute_url()) + "$"))
