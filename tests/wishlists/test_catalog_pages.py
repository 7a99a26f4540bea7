"""The wishlist forms on catalog pages: the same for every visitor, so cached pages stay
shared, and gone with the app."""

import re

import pytest
from django.test import Client

from coleman.products.cache import get_fragment
from coleman.products.page_cache import CSRF_TOKEN_PLACEHOLDER, CookielessPageCache
from tests.helpers import site_without

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def save_form(page):
    """The product page's "Save to wishlist" form, its CSRF token blanked."""
    match = re.search(r'<form class="wishlist-save-form".*?</form>', page, re.S)
    assert match, "no save form"
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', match.group(0))


def test_the_product_page_form_is_the_same_for_guests_and_customers(client, customer, product):
    """Guests and customers get the very same save form (product id and ``next`` only);
    the page adds nothing about the customer's lists."""
    guest_page = client.get(product.get_absolute_url()).content.decode()
    customer_client = Client()
    customer_client.force_login(customer)
    customer_page = customer_client.get(product.get_absolute_url()).content.decode()
    assert save_form(guest_page) == save_form(customer_page)
    form = save_form(guest_page)
    assert f'name="product" value="{product.pk}"' in form and 'action="/accounts/wishlists/save/"' in form
    assert "Save to wishlist" in form


def test_the_cookieless_cached_product_page_keeps_a_placeholder_token(product, rf):
    """The whole-page cache stores the product page with the save form (it held nothing
    personal), its token swapped for the placeholder; each visitor gets a token of their own."""
    first = Client().get(product.get_absolute_url())
    key = CookielessPageCache().key(rf.get(product.get_absolute_url()))
    content, _content_type, has_token = get_fragment(key)
    stored_form = save_form(content.decode().replace(CSRF_TOKEN_PLACEHOLDER, "stored"))
    assert has_token and 'value="stored"' in re.search(
        r'<form class="wishlist-save-form".*?</form>', content.decode().replace(CSRF_TOKEN_PLACEHOLDER, "stored"), re.S
    ).group(0)
    second = Client().get(product.get_absolute_url())
    assert save_form(first.content.decode()) == save_form(second.content.decode()) == stored_form


def test_an_out_of_stock_product_offers_the_alert_form(client, product, sold_out):
    """Only an out-of-stock product's page has "Email me when it's back"."""
    assert "Email me when it's back" in client.get(sold_out.get_absolute_url()).content.decode()
    assert "Email me when it's back" not in client.get(product.get_absolute_url()).content.decode()


def test_cards_open_the_save_page_without_a_token(client, product):
    """Product cards (cached for everyone) have a GET form to the save page: no token."""
    page = client.get("/products/").content.decode()
    match = re.search(r'<form class="wishlist-card-form".*?</form>', page, re.S)
    assert match
    assert 'method="get"' in match.group(0) and "csrfmiddlewaretoken" not in match.group(0)
    assert f'name="product" value="{product.pk}"' in match.group(0)


def test_the_save_page_sends_a_guest_to_log_in_and_back(client, product):
    """The page a card opens sends a guest to log in, coming back to it."""
    response = client.get(f"/accounts/wishlists/save/?product={product.pk}")
    assert response.status_code == 302
    assert "?next=/accounts/wishlists/save/%3Fproduct%3D" in response["Location"]


def test_without_the_app_the_pages_have_no_wishlist_forms(client, product, sold_out):
    """Removed from the settings, the app leaves no form, no link and no URL behind."""
    with site_without(["coleman.wishlists"]):
        for url in [product.get_absolute_url(), sold_out.get_absolute_url(), "/products/"]:
            response = client.get(url)
            assert response.status_code == 200
            assert "wishlist" not in response.content.decode().lower(), url
        assert client.get("/accounts/wishlists/").status_code == 404
