"""A logged-in customer's cart is kept against the account: it survives logout, follows them to
another device, merges with the cart built before logging in (quantities added, capped by
stock, with a message); and prices are re-checked at checkout before anything is paid."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coleman.cart.models import SavedCart
from coleman.orders.models import Order
from coleman.products.models import Product
from tests.factories.orders import ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(django_user_model):
    """A customer with a password, for real logins."""
    return django_user_model.objects.create_user("ada", "ada@example.com", "pw-ada-12345")


def add(client, product, quantity="1"):
    return client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": quantity})


def cart_lines(client):
    return [(i["product"], i["quantity"]) for i in client.session.get("coleman_cart", {}).get("items", [])]


def test_the_cart_survives_logout_and_is_there_on_another_device(client, store, customer):
    """Ada adds two lines while logged in, logs out (her session cart is gone), logs in again and on
    a second device: both carts hold her lines."""
    client.force_login(customer)
    add(client, store.candle, "2")
    add(client, store.shirt)
    assert SavedCart.objects.get(user=customer).contents["items"]
    client.logout()
    assert cart_lines(client) == []
    client.force_login(customer)
    assert cart_lines(client) == [(store.candle.pk, 2), (store.shirt.pk, 1)]
    other_device = Client()
    other_device.force_login(customer)
    assert cart_lines(other_device) == [(store.candle.pk, 2), (store.shirt.pk, 1)]


def test_login_merges_with_the_anonymous_cart_capped_by_stock_with_messages(client, store, customer):
    """Saved: 3 candles and a T-shirt. Before logging in Ada adds 2 candles and preserves; candles
    have 4 in stock. After login: 4 candles (capped, said), preserves, the T-shirt; a message says
    what was added."""
    SavedCart.objects.create(
        user=customer,
        contents={
            "next_id": 3,
            "items": [
                {"id": "1", "product": store.candle.pk, "quantity": 3},
                {"id": "2", "product": store.shirt.pk, "quantity": 1},
                {"id": "x", "product": "junk", "quantity": -4},  # tampered data is dropped
            ],
        },
    )
    Product.objects.filter(pk=store.candle.pk).update(stock=4)
    add(client, store.candle, "2")
    add(client, store.preserves)
    response = client.post(reverse("customers:login"), {"username": "ada", "password": "pw-ada-12345"})
    assert response.status_code == 302
    page = client.get(reverse("cart:detail")).content.decode()  # the messages are shown here
    assert sorted(cart_lines(client)) == sorted([(store.candle.pk, 4), (store.preserves.pk, 1), (store.shirt.pk, 1)])
    joined = page
    assert "We added 2 items from your saved cart." in joined
    assert "Only 4 of Cranberry Scented Candle left in stock; your cart now holds 4." in joined
    saved = SavedCart.objects.get(user=customer).contents["items"]
    assert sorted((i["product"], i["quantity"]) for i in saved) == sorted(cart_lines(client))


def test_a_customer_who_never_shops_gets_no_saved_cart(client, customer):
    """Logging in with an empty cart and nothing saved writes nothing."""
    client.force_login(customer)
    assert not SavedCart.objects.exists()


def test_a_changed_price_is_shown_at_checkout_before_payment(client, store):
    """The candle was 14.00 when added; now 15.50: the checkout page says so. If it changes again
    between that page and "Place order", nothing is placed (409) and the new change is shown;
    placing again then works at the price shown."""
    add(client, store.candle)
    Product.objects.filter(pk=store.candle.pk).update(price=Decimal("15.50"))
    page = client.get(reverse("payments:choose")).content.decode()
    assert "Cranberry Scented Candle: was $14.00, now $15.50" in page
    token = page.split('name="checkout_token" value="')[1].split('"')[0]
    form = dict(ADDRESS) | {"email": "ada@example.com", "checkout_token": token}
    Product.objects.filter(pk=store.candle.pk).update(price=Decimal("16.00"))
    response = client.post(reverse("payments:choose"), form)
    assert response.status_code == 409 and not Order.objects.exists()
    assert "was $15.50, now $16.00" in response.content.decode()
    client.post(reverse("payments:choose"), form)
    assert Order.objects.get().subtotal == Decimal("16.00")


def test_staff_see_saved_carts(staff_client, store, customer):
    """The saved carts list opens for staff and shows the customer's line count."""
    SavedCart.objects.create(
        user=customer, contents={"next_id": 2, "items": [{"id": "1", "product": 1, "quantity": 1}]}
    )
    page = staff_client.get(reverse("admin:cart_savedcart_changelist")).content.decode()
    assert "ada" in page
