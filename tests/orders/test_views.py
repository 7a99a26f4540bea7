"""Checkout, my orders, an order's page, guest look-up and feedback."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coleman.cart.cart import SESSION_KEY
from coleman.orders.models import Order, OrderFeedback
from coleman.orders.tokens import CHECKOUT_TOKEN_KEY
from coleman.products.models import Product
from tests.factories.orders import ADDRESS, LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def fill_cart(client, *products, quantity="1"):
    for product in products:
        response = client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": quantity})
        assert response.status_code == 302


def checkout_form(client):
    """GET the checkout page and return the POST data of its form, address typed in."""
    response = client.get(reverse("payments:choose"))
    assert response.status_code == 200
    token = response.context["form"].initial["checkout_token"]
    return {"checkout_token": token, "email": "guest@example.com", "comments": "", **ADDRESS}


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    """There is nothing to check out: redirect to the cart with a message."""
    response = client.get(reverse("payments:choose"))
    assert response.status_code == 302 and response.url == reverse("cart:detail")


@pytest.mark.django_db(transaction=True)
def test_guest_checkout_places_the_order_and_shows_it(client):
    """A guest reviews the cart, types an address and email, places the order, and sees its page.

    Runs with real commits. The cart keeps its items: it is emptied when the order is paid.
    """
    jam = ProductFactory(name="Jam", price=Decimal("3.00"), stock=4)
    fill_cart(client, jam, quantity="2")
    page = client.get(reverse("payments:choose")).content.decode()
    assert "Jam" in page and "Place order" in page and "$11.00" in page  # 6.00 + 5.00 flat rate
    data = checkout_form(client)
    response = client.post(reverse("payments:choose"), data)
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.user is None and order.email == "guest@example.com" and order.total == Decimal("11.00")
    assert Product.objects.get(pk=jam.pk).stock == 2
    assert len(client.session[SESSION_KEY]["items"]) == 1
    assert client.session[CHECKOUT_TOKEN_KEY]  # a new generation: the used token is retired
    assert [m.to for m in mail.outbox] == [["guest@example.com"]]
    page = client.get(order.get_absolute_url()).content.decode()
    assert order.number in page and "Awaiting Payment" in page and "Jam" in page
    assert f"Thank you! Your order {order.number} has been placed." in page
    assert checkout_form(client)["checkout_token"] != data["checkout_token"]


def test_signed_in_customer_uses_the_account_email(client, django_capture_on_commit_callbacks):
    """A signed-in customer is not asked for an email; the order is theirs."""
    user = UserFactory(email="me@example.com")
    client.force_login(user)
    fill_cart(client, ProductFactory())
    data = checkout_form(client)
    del data["email"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:choose"), data)
    order = Order.objects.get()
    assert (order.user, order.email) == (user, "me@example.com")
    assert order.number in client.get(reverse("orders:list")).content.decode()


def test_double_submitted_place_order_makes_one_order(client, django_capture_on_commit_callbacks):
    """Submitting the same checkout form twice places one order; the second shows the first."""
    fill_cart(client, ProductFactory(stock=10))
    data = checkout_form(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("payments:choose"), data)
    fill_cart(client, ProductFactory())  # even with a new cart, the old form does not order again
    second = client.post(reverse("payments:choose"), data)
    assert Order.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url
    assert "was already placed" in client.get(second.url).content.decode()


def test_a_stale_or_forged_token_is_refused(client):
    """A token that is not this session's answers 400 with a fresh form; no order."""
    fill_cart(client, ProductFactory())
    data = checkout_form(client)
    data["checkout_token"] = "x" * 43
    response = client.post(reverse("payments:choose"), data)
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    assert Order.objects.count() == 0


def test_logging_in_during_checkout_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    """Logging in (in another tab) after opening the checkout page renews the session, so the
    page's token is out of date: the page comes back with what the shopper typed and a renewed
    token, and placing it then makes the order, once."""
    user = UserFactory(email="me@example.com")
    fill_cart(client, ProductFactory())
    data = checkout_form(client)
    client.force_login(user)
    response = client.post(reverse("payments:choose"), data)
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    form = response.context["form"]
    assert (form["name"].value(), form["city"].value()) == (ADDRESS["name"], ADDRESS["city"])
    renewed = form["checkout_token"].value()
    assert renewed and renewed != data["checkout_token"]
    assert Order.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("payments:choose"), {**data, "checkout_token": renewed})
    assert placed.status_code == 302
    assert Order.objects.get().user == user


def test_someone_elses_checkout_token_shows_nothing(client):
    """Replaying another shopper's used token gives 404, not their order."""
    victim = Client()
    fill_cart(victim, ProductFactory())
    data = checkout_form(victim)
    victim.post(reverse("payments:choose"), data)
    fill_cart(client, ProductFactory())
    assert client.post(reverse("payments:choose"), data).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-email", "Enter a valid email"),
        ("city", "", "This field is required"),
        ("country", "USA", "Select a valid choice"),
        ("country", "1X", "Select a valid choice"),
        ("country", "XX", "Select a valid choice"),
        ("postal_code", "9" * 50, "at most 20"),
        ("state", "ZZ", "Choose a US state"),
        ("state", "", "Choose a US state"),
        ("postal_code", "0257", "Enter a US ZIP code"),
    ],
)
def test_bad_checkout_details_answer_400(client, field, value, error):
    """Invalid email or address fields re-render the form with the error and a 400: the same
    address rules as the address book (a country from the list, a US state and ZIP code)."""
    fill_cart(client, ProductFactory())
    data = checkout_form(client)
    data[field] = value
    response = client.post(reverse("payments:choose"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Order.objects.count() == 0


def test_sold_out_at_checkout_answers_400_and_keeps_the_cart(client):
    """If the stock went meanwhile, checkout says so and the cart is kept."""
    product = ProductFactory(stock=3, name="Last Jar")
    fill_cart(client, product, quantity="3")
    data = checkout_form(client)
    Product.objects.filter(pk=product.pk).update(stock=2)
    response = client.post(reverse("payments:choose"), data)
    # the cart trims the line to the new stock on reading, so the order does go through for 2
    assert response.status_code == 302
    assert Order.objects.get().lines.get().quantity == 2


def test_checkout_needs_csrf():
    """Place order without the CSRF token is refused."""
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("payments:choose"), {}).status_code == 403


def test_order_pages_are_owner_only(client):
    """Another customer's order is a 404; so is a guest order not placed in this session."""
    mine = OrderFactory()
    theirs = OrderFactory()
    guest = OrderFactory(user=None)
    client.force_login(mine.user)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(guest.get_absolute_url()).status_code == 404
    assert client.get("/orders/NOPE-NOPE/").status_code == 404
    page = client.get(reverse("orders:list")).content.decode()
    assert mine.number in page and theirs.number not in page


def test_my_orders_needs_login(client, settings):
    """Anonymous visitors to /orders/ are sent to log in."""
    settings.LOGIN_URL = "/accounts/login/"
    response = client.get(reverse("orders:list"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=/orders/")


def test_order_page_shows_history_and_tracking(client):
    """The order page lists lines, the status history and the tracking number."""
    from coleman.orders import services

    order = OrderFactory()
    LineFactory(order=order, name="Cran Sauce", quantity=2)
    services.transition(order, "PAID", note="Paid by card")
    services.transition(order, "SHIPPED", tracking_number="1Z-TRACK-9")
    client.force_login(order.user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Cran Sauce" in page
    assert "Payment Received: Paid by card" in page
    assert "1Z-TRACK-9" in page


def test_guest_lookup_by_number_and_email(client):
    """The right number and email (any case) open the order; anything else gives one generic answer."""
    order = OrderFactory(user=None, email="Guest@Example.com")
    url = reverse("orders:lookup")
    wrong_email = client.post(url, {"number": order.number, "email": "other@example.com"})
    wrong_number = client.post(url, {"number": "ABCD-EFGH", "email": "guest@example.com"})
    assert wrong_email.status_code == wrong_number.status_code == 400
    assert wrong_email.content.decode().count("No order matches that number and email.") == 1
    assert "No order matches that number and email." in wrong_number.content.decode()
    assert client.get(order.get_absolute_url()).status_code == 404
    response = client.post(url, {"number": order.number.lower(), "email": "guest@example.com"})
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert client.get(order.get_absolute_url()).status_code == 200


def test_guest_lookup_is_rate_limited(client, settings):
    """After COLEMAN_ORDER_LOOKUP_ATTEMPTS tries, look-ups answer 429 for a while."""
    settings.COLEMAN_ORDER_LOOKUP_ATTEMPTS = 3
    order = OrderFactory(user=None)
    for _ in range(3):
        client.post(reverse("orders:lookup"), {"number": "ZZZZ-ZZZZ", "email": "x@example.com"})
    response = client.post(reverse("orders:lookup"), {"number": order.number, "email": order.email})
    assert response.status_code == 429


def test_guest_lookup_limit_is_per_client_behind_the_proxy(client, settings):
    """Behind one proxy (COLEMAN_PROXY_COUNT=1) ten bad look-ups from ten different clients
    (X-Forwarded-For) lock nobody out; one client over the limit is refused while the others
    still look up (the throttle reads the address with coleman.core.throttling.client_ip)."""
    settings.COLEMAN_PROXY_COUNT = 1
    settings.COLEMAN_ORDER_LOOKUP_ATTEMPTS = 3
    url = reverse("orders:lookup")
    bad = {"number": "ZZZZ-ZZZZ", "email": "x@example.com"}
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(10):
        response = client.post(url, bad, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", **proxy)
        assert response.status_code == 400, n
    for _ in range(2):
        client.post(url, bad, HTTP_X_FORWARDED_FOR="198.51.100.0", **proxy)
    assert client.post(url, bad, HTTP_X_FORWARDED_FOR="198.51.100.0", **proxy).status_code == 429
    # A client cannot dodge its count by adding entries on the left of the header.
    spoofed = client.post(url, bad, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.0", **proxy)
    assert spoofed.status_code == 429
    assert client.post(url, bad, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 400


def test_customer_feedback_on_own_order(client, settings, django_capture_on_commit_callbacks):
    """A customer posts a message on their order; it is stored, shown and sent to the managers;
    others' orders are 404."""
    settings.MANAGERS = [("Shop", "shop@example.com")]
    order = OrderFactory()
    other = OrderFactory()
    client.force_login(order.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:feedback", args=[order.number]), {"body": "Can you gift-wrap it?"})
    assert [m.to for m in mail.outbox] == [["shop@example.com"]]
    assert order.number in mail.outbox[0].subject and "Can you gift-wrap it?" in mail.outbox[0].body
    assert response.status_code == 302
    message = OrderFeedback.objects.get()
    assert (message.order, message.author, message.is_staff_reply) == (order, order.user, False)
    assert "Can you gift-wrap it?" in client.get(order.get_absolute_url()).content.decode()
    assert client.post(reverse("orders:feedback", args=[other.number]), {"body": "hi"}).status_code == 404
    assert client.post(reverse("orders:feedback", args=[order.number]), {"body": ""}).status_code == 400
    assert client.get(reverse("orders:feedback", args=[order.number])).status_code == 405
    assert OrderFeedback.objects.count() == 1


@pytest.mark.parametrize("lines", [1, 50])
def test_order_page_query_count_does_not_grow(client, django_assert_num_queries, lines):
    """The order page costs the same queries with 1 and 50 lines."""
    order = OrderFactory()
    LineFactory.create_batch(lines, order=order)
    client.force_login(order.user)
    # session, user, order+status, lines, history, feedback
    with django_assert_num_queries(6 + 1):  # + the header's category menu (cached once built)
        response = client.get(order.get_absolute_url())
    assert response.content.decode().count('<th scope="row">Cranberry Thing') == lines


@pytest.mark.parametrize("orders", [1, 50])
def test_my_orders_query_count_does_not_grow(client, django_assert_num_queries, orders):
    """My orders costs the same queries for 1 and 50 orders (session, user, count, page)."""
    user = UserFactory()
    OrderFactory.create_batch(orders, user=user)
    client.force_login(user)
    with django_assert_num_queries(4 + 1):  # + the header's category menu (cached once built)
        response = client.get(reverse("orders:list"))
    assert response.content.decode().count('class="order-status') == min(orders, 20)


@pytest.mark.parametrize("lines", [1, 50])
def test_checkout_page_query_count_does_not_grow(client, django_assert_num_queries, lines):
    """The checkout page costs the same queries for 1 and 50 cart lines."""
    fill_cart(client, *ProductFactory.create_batch(lines))
    client.get(reverse("payments:choose"))
    with django_assert_num_queries(2):
        response = client.get(reverse("payments:choose"))
    assert response.status_code == 200


def test_a_missing_token_is_refused(client):
    """Posting the checkout without its token answers 400 and places nothing."""
    fill_cart(client, ProductFactory())
    data = checkout_form(client)
    del data["checkout_token"]
    assert client.post(reverse("payments:choose"), data).status_code == 400
    assert Order.objects.count() == 0
