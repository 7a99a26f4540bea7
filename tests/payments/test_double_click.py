"""A double-clicked "Place order": one order, and every click lands on its hand-off.

The checkout token is stored on the order, so the database (not the session, which the first
request may not have saved yet) maps a repeated POST to the order it made.
"""

import re
import threading
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from coleman.orders.models import Order
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
CLICKS = 4


def shopper_with_form():
    """A guest with 2 x 10.00 (of a product with stock 5) in the cart, and the filled-in
    Google checkout form."""
    product = ProductFactory(price=Decimal("10.00"), stock=5)
    client = Client()
    client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 2})
    page = client.get("/checkout/google/").content.decode()
    data = {name: unescape(value) for name, value in HIDDEN.findall(page)}
    data.update(ADDRESS, email="ada@example.com")
    return client, data, product


def same_browser(client):
    """Another test client carrying ``client``'s cookies: a second click in the same browser."""
    twin = Client()
    twin.cookies = client.cookies
    return twin


def assert_one_order_and_same_hand_off(clients, responses, product):
    """One order; every response a redirect to its hand-off page, which each click can open."""
    order = Order.objects.get()
    expected = reverse("payments:pay", args=["google", order.number])
    assert [response.status_code for response in responses] == [302] * CLICKS
    assert {response["Location"] for response in responses} == {expected}
    for client in clients:
        page = client.get(expected)
        assert page.status_code == 200
        assert b"Pay with Google Checkout" in page.content
    product.refresh_from_db()
    assert product.stock == 3  # stock taken once


@pytest.mark.django_db
def test_repeated_place_order_posts_land_on_one_orders_hand_off():
    """Four "Place order" POSTs of one form, one after another (any database): one order, four
    redirects to the same hand-off page."""
    client, data, product = shopper_with_form()
    responses = [client.post("/checkout/google/", data) for _ in range(CLICKS)]
    assert_one_order_and_same_hand_off([client], responses, product)


@pytest.mark.django_db(transaction=True)
def test_concurrent_place_order_posts_land_on_one_orders_hand_off():
    """Four identical "Place order" POSTs at the same moment (PostgreSQL): one order, four
    redirects to its hand-off (it was a 404 for the clicks whose request read the session
    before the first request saved it)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers with one lock, so threads cannot race")
    client, data, product = shopper_with_form()
    clients = [same_browser(client) for _ in range(CLICKS)]
    barrier = threading.Barrier(CLICKS)
    responses = [None] * CLICKS

    def click(index):
        barrier.wait()
        try:
            responses[index] = clients[index].post("/checkout/google/", data)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(index,)) for index in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_one_order_and_same_hand_off(clients, responses, product)


@pytest.mark.django_db
def test_someone_elses_token_shows_nothing():
    """The hand-off page of an order is a 404 for a browser that neither placed the order nor
    holds its checkout token."""
    client, data, _product = shopper_with_form()
    response = client.post("/checkout/google/", data)
    stranger = Client()
    assert stranger.get(response["Location"]).status_code == 404


def test_sqlite_writers_queue_instead_of_failing(settings):
    """On SQLite a transaction takes the write lock when it starts (and waits for it), so two
    checkouts at once queue instead of answering "database is locked"."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite's locking only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
