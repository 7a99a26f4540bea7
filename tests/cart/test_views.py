"""Cart pages: POST-only changes with CSRF, redirects, bad input as 4xx, header summary, login."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from coleman.cart.cart import SESSION_KEY
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


def add(client, product, quantity="1", **extra):
    return client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": quantity, **extra})


def session_items(client):
    return client.session.get(SESSION_KEY, {}).get("items", [])


def test_add_redirects_to_the_cart_which_lists_the_line(client):
    """Adding redirects (POST/redirect/GET) to the cart page showing the product and totals."""
    product = ProductFactory(name="Dried Cranberries", price=Decimal("4.25"))
    response = add(client, product, "2")
    assert response.status_code == 302 and response.url == reverse("cart:detail")
    page = client.get(reverse("cart:detail")).content.decode()
    assert "Dried Cranberries" in page
    assert "$8.50" in page
    assert "Added Dried Cranberries to your cart (2 in cart)." in page


def test_add_honours_a_safe_next_and_ignores_an_external_one(client):
    """``next`` may send the shopper back to a page of this site, never elsewhere."""
    product = ProductFactory()
    assert add(client, product, next="/products/").url == "/products/"
    assert add(client, product, next="https://evil.example/").url == reverse("cart:detail")


@pytest.mark.parametrize("url_name", ["cart:add-item", "cart:remove-item", "cart:update"])
def test_changes_refuse_get(client, url_name):
    """Every cart change is POST-only: GET answers 405 and changes nothing."""
    args = {"cart:add-item": [ProductFactory().pk], "cart:remove-item": ["1"], "cart:update": []}[url_name]
    assert client.get(reverse(url_name, args=args)).status_code == 405
    assert session_items(client) == []


def test_changes_need_a_csrf_token():
    """Without the CSRF token a POST is refused with 403."""
    client = Client(enforce_csrf_checks=True)
    product = ProductFactory()
    assert add(client, product).status_code == 403
    assert client.post(reverse("cart:update"), {}).status_code == 403


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1.5", "", "100", "99999999999999999999"])
def test_bad_add_quantities_answer_400_and_change_nothing(client, quantity):
    """Zero, negative, non-numeric and too-large quantities give 400 with a message."""
    product = ProductFactory()
    response = add(client, product, quantity)
    assert response.status_code == 400
    assert b'class="message message-error"' in response.content
    assert session_items(client) == []


def test_adding_more_than_the_stock_is_refused(client):
    """Asking for more than the tracked stock answers 400 and says how many are left."""
    product = ProductFactory(stock=2, name="Relish")
    response = add(client, product, "3")
    assert response.status_code == 400
    assert "Only 2 of Relish left in stock." in response.content.decode()


def test_inactive_and_unknown_products_are_404(client):
    """A discontinued or unknown product cannot be added."""
    assert add(client, ProductFactory(is_active=False)).status_code == 404
    assert client.post("/cart/add/999999/", {"quantity": "1"}).status_code == 404


def test_remove(client):
    """Remove takes out one line by its item id and redirects."""
    a, b = ProductFactory(name="Alpha"), ProductFactory(name="Beta")
    add(client, a)
    add(client, b)
    response = client.post(reverse("cart:remove-item", args=["1"]))
    assert response.status_code == 302
    assert [item["product"] for item in session_items(client)] == [b.pk]


@pytest.mark.parametrize("item_id", ["42", "abc", "-1", "1%00"])
def test_removing_an_unknown_item_is_404(client, item_id):
    """Unknown item ids answer 404 with a message; the cart is unchanged."""
    add(client, ProductFactory())
    response = client.post(reverse("cart:remove-item", args=[item_id]))
    assert response.status_code == 404
    assert "That item is not in your cart." in response.content.decode()
    assert len(session_items(client)) == 1


def test_update_sets_quantities_and_zero_removes(client):
    """Update cart sets every line's quantity; 0 removes a line."""
    a, b = ProductFactory(), ProductFactory()
    add(client, a)
    add(client, b)
    response = client.post(reverse("cart:update"), {"quantity-1": "4", "quantity-2": "0"})
    assert response.status_code == 302
    assert session_items(client) == [{"id": "1", "product": a.pk, "quantity": 4}]


def test_update_with_one_bad_quantity_changes_nothing(client):
    """If any quantity is bad, no line changes and the bad one is marked on the page (400)."""
    a, b = ProductFactory(), ProductFactory(stock=3, name="Scarce")
    add(client, a)
    add(client, b)
    response = client.post(reverse("cart:update"), {"quantity-1": "5", "quantity-2": "7"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only 3 of Scarce left in stock." in page
    assert 'aria-invalid="true"' in page
    assert 'value="7"' in page  # what the shopper typed is shown back
    assert [item["quantity"] for item in session_items(client)] == [1, 1]
    response = client.post(reverse("cart:update"), {"quantity-1": "-3"})
    assert response.status_code == 400
    assert [item["quantity"] for item in session_items(client)] == [1, 1]


def test_header_summary_and_add_form_on_product_page(client):
    """Every page shows the cart count and total; the product page has the quantity field and button."""
    product = ProductFactory(price=Decimal("2.50"))
    add(client, product, "3")
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'class="cart-summary"' in page
    assert '<span class="cart-summary-count">3</span>' in page
    assert '<span class="cart-summary-total">$7.50</span>' in page
    assert '<span class="cart-summary-unit">items</span>' in page  # its name: "Cart 3 items, $7.50"
    assert 'name="quantity"' in page and "Add to cart" in page
    assert reverse("cart:add-item", args=[product.pk]) in page


def test_the_cart_page_shows_the_shipping_estimate(client, settings):
    """The cart page shows the shipping quote and the estimated total from the orders app."""
    settings.COLEMAN_SHIPPING_FLAT_RATE = "4.00"
    add(client, ProductFactory(price=Decimal("10.00")), "2")
    page = client.get(reverse("cart:detail")).content.decode()
    assert "Flat rate" in page and "$4.00" in page and "$24.00" in page
    assert reverse("payments:choose") in page


def test_the_cart_survives_logging_in_through_a_login_form(client, django_user_model):
    """Logging in (Django cycles the session key) keeps the anonymous cart."""
    django_user_model.objects.create_superuser("shopper", "s@example.com", "pw-shopper-123")
    product = ProductFactory()
    add(client, product, "2")
    before = client.session.session_key
    response = client.post(
        reverse("admin:login"), {"username": "shopper", "password": "pw-shopper-123", "next": "/cart/"}
    )
    assert response.status_code == 302
    assert client.session.session_key != before  # a new key, against session fixation
    assert session_items(client) == [{"id": "1", "product": product.pk, "quantity": 2}]
    assert 'cart-summary-count">2<' in client.get("/cart/").content.decode()


def test_logging_out_empties_the_cart(client, django_user_model):
    """Logging out flushes the session, so the next person at the computer sees an empty cart."""
    user = django_user_model.objects.create_superuser("shopper", "s@example.com", "pw")
    client.force_login(user)
    add(client, ProductFactory())
    client.post(reverse("admin:logout"))
    assert session_items(client) == []


@pytest.mark.parametrize("lines", [1, 50])
def test_cart_page_query_count_does_not_grow(client, django_assert_num_queries, lines, settings):
    """The cart page costs the same queries for 1 and 50 lines: session + products + the display
    currencies' rates for the chooser (read once, then cached; the running offers were cached
    when the products were added)."""
    settings.COLEMAN_CART_MAX_QUANTITY = 99
    for product in ProductFactory.create_batch(lines):
        add(client, product)
    currencies = 1 if apps.is_installed("coleman.currencies") else 0
    with django_assert_num_queries(2 + 1 + currencies):  # + the header's category menu (cached once built)
        response = client.get(reverse("cart:detail"))
    assert response.status_code == 200
    assert response.content.decode().count('class="cart-line"') == lines
    with django_assert_num_queries(2):
        client.get(reverse("cart:detail"))


def test_fetch_clients_get_json_summaries(client):
    """With Accept: application/json, add/update/remove answer the new summary (or the error) as JSON."""
    product = ProductFactory(price=Decimal("2.50"), name="Jam")
    json_headers = {"HTTP_ACCEPT": "application/json"}
    response = client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": "2"}, **json_headers)
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "count_unit": "items",
        "lines": 1,
        "subtotal": "5.00",
        "subtotal_display": "$5.00",
        "message": "Added Jam to your cart (2 in cart).",
    }
    response = client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": "abc"}, **json_headers)
    assert response.status_code == 400
    assert response.json()["error"] == "Please enter a whole number of items."
    response = client.post(reverse("cart:update"), {"quantity-1": "3"}, **json_headers)
    assert response.json()["count"] == 3
    response = client.post(reverse("cart:remove-item", args=["1"]), **json_headers)
    assert response.json()["count"] == 0
    assert client.post(reverse("cart:remove-item", args=["1"]), **json_headers).status_code == 404
