"""Returning shoppers get cached pages, and never a stale one.

A shopper with a session (a cart) or a login is served whole pages from the cache
(:class:`coleman.products.page_cache.ShopperPageCache`); whatever changes — a price, the stock,
a review, their own cart, their own rating — shows on their very next request.
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coleman.cart.lines import Line, Lines
from coleman.orders.placing import make_order_from_cart
from coleman.products.models import Product

pytestmark = pytest.mark.django_db

ADDRESS = {
    "name": "Ann Bog",
    "line1": "1 Bog Road",
    "city": "Wareham",
    "state": "MA",
    "postal_code": "02571",
    "country": "US",
}
needs_ratings = pytest.mark.skipif(not apps.is_installed("coleman.ratings"), reason="the ratings app is not installed")


@pytest.fixture(params=["db", "cached_db"])
def sessions(request, settings):
    """Both session engines a store runs with: database (the default without a shared cache)
    and cached database (production)."""
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"
    return request.param


def shopper_with_cart(store, *, user=None):
    """A client with a CSRF cookie and a cart holding the candle and the shirt (one each)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get("/products/cranberry-preserves/")
    for product in (store.candle, store.shirt):
        client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    client.get("/cart/")  # consumes the "added" messages
    return client


def text(response):
    assert response.status_code == 200
    return response.content.decode()


def cart_summary(page):
    """(count, total) as the header shows them."""
    count = re.search(r'class="cart-summary-count">(\d+)<', page).group(1)
    total = re.search(r'class="cart-summary-total">([^<]+)<', page).group(1)
    return int(count), total


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user("ann", "ann@example.com", "pw")


@pytest.mark.parametrize("logged_in", [False, True], ids=["shopper", "customer"])
def test_a_new_price_shows_on_the_next_request(store, sessions, customer, logged_in):
    """Repricing a product in the cart changes the product page, the list and the header's
    cart total on the shopper's next request, although those pages were cached."""
    client = shopper_with_cart(store, user=customer if logged_in else None)
    for url in ("/products/cranberry-scented-candle/", "/products/"):
        text(client.get(url))
        assert cart_summary(text(client.get(url))) == (2, "$32.00")  # served from the cache
    store.candle.price = Decimal("20.00")
    store.candle.save()
    for url in ("/products/cranberry-scented-candle/", "/products/"):
        page = text(client.get(url))
        assert "$20.00" in page and "$14.00" not in page, url
        assert cart_summary(page) == (2, "$38.00"), url


def test_stock_taken_by_an_order_shows_on_the_next_request(store, sessions):
    """An order takes stock with an UPDATE (no signal); the product page, cached before,
    shows the new stock on the next request."""
    store.preserves.stock = 5
    store.preserves.save()
    client = shopper_with_cart(store)
    assert "Only 5 left" in text(client.get("/products/cranberry-preserves/"))
    preserves = Product.objects.get(pk=store.preserves.pk)
    make_order_from_cart(
        Lines([Line(product=preserves, quantity=3)]), email="bob@example.com", shipping_address=ADDRESS
    )
    assert "Only 2 left" in text(client.get("/products/cranberry-preserves/"))


def test_the_shoppers_own_cart_shows_on_the_next_request(store, sessions):
    """Adding to the cart changes the header of the next (cached) page; another shopper's
    cached pages keep their own cart."""
    client = shopper_with_cart(store)
    other = shopper_with_cart(store)
    assert cart_summary(text(client.get("/products/"))) == (2, "$32.00")
    client.post(f"/cart/add/{store.juice.pk}/", {"quantity": "2"})
    text(client.get("/products/"))  # shows the "added" message
    assert cart_summary(text(client.get("/products/"))) == (4, "$39.98")
    assert cart_summary(text(other.get("/products/"))) == (2, "$32.00")


def test_messages_are_shown_not_cached(store, sessions):
    """The page right after "Add to cart" shows the message (it is not served from the cache),
    and the message is not stored in the cached page for others."""
    client = shopper_with_cart(store)
    text(client.get("/products/"))
    client.post(f"/cart/add/{store.juice.pk}/", {"quantity": "1"})
    with_message = text(client.get("/products/"))
    assert 'class="message' in with_message
    assert 'class="message' not in text(client.get("/products/"))
    assert 'class="message' not in text(shopper_with_cart(store).get("/products/"))


@needs_ratings
def test_a_new_review_shows_on_the_next_request(store, sessions, customer, django_user_model):
    """Another customer's review appears on the cached product page at the shopper's next request."""
    client = shopper_with_cart(store)
    text(client.get("/products/cranberry-preserves/"))
    assert "No reviews yet." in text(client.get("/products/cranberry-preserves/"))
    reviewer = Client()
    reviewer.force_login(django_user_model.objects.create_user("rita", "rita@example.com", "pw"))
    reviewer.post(
        f"/ratings/reviews/products.product/{store.preserves.pk}/", {"body": "Tart and lovely.", "stars": "4"}
    )
    page = text(client.get("/products/cranberry-preserves/"))
    assert "Tart and lovely." in page and "No reviews yet." not in page
    assert "4 out of 5" in page


@needs_ratings
def test_the_customers_own_rating_shows_on_the_next_request(store, sessions, customer):
    """A customer's own rating shows on their next request; another customer's cached page
    does not show it as theirs."""
    client = shopper_with_cart(store, user=customer)
    other = shopper_with_cart(store, user=get_user_model().objects.create_user("bea", "bea@example.com", "pw"))
    url = "/products/cranberry-preserves/"
    for visitor in (client, other):
        text(visitor.get(url))
        assert "You rated this" not in text(visitor.get(url))
    client.post(f"/ratings/products.product/{store.preserves.pk}/4/", {"next": url})
    assert "You rated this 4 stars." in text(client.get(url))
    page = text(other.get(url))
    assert "You rated this" not in page and "4 out of 5" in page


def test_a_shoppers_get_writes_no_session(store, settings):
    """Browsing as a returning shopper (database sessions) reads the session and never writes
    it: no UPDATE or INSERT of a session row, no new session cookie."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client = shopper_with_cart(store)
    sessions_before = list(Session.objects.values_list("session_key", "expire_date"))
    for url in ("/", "/products/", "/products/cranberry-preserves/", "/cart/", "/search/?q=cranberry"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
        assert writes == [], url
        assert "sessionid" not in response.cookies, url
    assert list(Session.objects.values_list("session_key", "expire_date")) == sessions_before


def test_a_logged_out_customer_gets_the_shopper_page(store, sessions, customer):
    """After logging out, cached pages no longer show the customer's account links."""
    client = shopper_with_cart(store, user=customer)
    text(client.get("/products/"))
    assert "Log out" in text(client.get("/products/"))
    client.post("/accounts/logout/")
    page = text(client.get("/products/"))
    assert "Log out" not in page and "Log in" in page


def test_a_deactivated_customer_is_logged_out_at_once(store, settings, customer):
    """The cached user row is forgotten when the user is saved: a customer deactivated by
    staff is no longer logged in on the next request."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = shopper_with_cart(store, user=customer)
    assert "Log out" in text(client.get("/products/"))
    customer.is_active = False
    customer.save()
    assert "Log out" not in text(client.get("/products/"))


def test_a_page_naming_its_customer_is_not_shared(store, settings, django_user_model, monkeypatch):
    """A catalog page that shows the logged-in customer's name (say, a greeting in the header)
    is never stored for other customers: each customer sees their own name."""
    from coleman.products import page_cache

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    original = page_cache.ShopperPageCache.fill_live_parts
    greeted = []

    def greet(request, content):  # stands for a header template that names the customer
        greeted.append(request.user.get_username())
        return original(request, content)

    ann = django_user_model.objects.create_user("annabel", "annabel@example.com", "pw", first_name="Annabel")
    bea = django_user_model.objects.create_user("beatrix", "beatrix@example.com", "pw", first_name="Beatrix")
    store.preserves.name = "Annabel's Preserves"  # the food page now names Ann (to her and to all)
    store.preserves.save()
    first, second = shopper_with_cart(store, user=ann), shopper_with_cart(store, user=bea)
    monkeypatch.setattr(page_cache.ShopperPageCache, "fill_live_parts", staticmethod(greet))
    for client in (first, first, second, second):
        text(client.get("/catalogs/fall-collection/food/"))
    # Ann's page names her: never stored, so never served from the cache (nothing filled in);
    # Bea's does not name her: stored once and served to her from the cache.
    assert greeted == ["beatrix"]


def test_a_cart_rendered_outside_a_live_part_keeps_the_page_out_of_the_cache(store, rf):
    """A page that shows the shopper's cart outside the live markers (a header that includes
    ``cart/_summary.html`` directly) is not stored for other shoppers; inside the markers it is."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.template import engines
    from django.template.response import TemplateResponse

    from coleman.products.cache import get_fragment
    from coleman.products.page_cache import ShopperPageCache

    def stored(source):
        request = rf.get("/products/")
        request.COOKIES["sessionid"] = "x"
        request.session, request.user = SessionStore(), AnonymousUser()
        response = TemplateResponse(request, engines["django"].from_string(source))
        key = f"page-{len(source)}"
        ShopperPageCache().store(request, response, key)
        return get_fragment(key) is not None

    assert not stored('{% include "cart/_summary.html" %}')
    assert stored('<!--live:cart/_live_summary.html-->{% include "cart/_live_summary.html" %}<!--/live-->')
