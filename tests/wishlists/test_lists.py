"""Wishlists: saving products, the customer's pages, ownership, moving to the cart, sharing."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from coleman.cart.cart import SESSION_KEY
from coleman.wishlists import services
from coleman.wishlists.models import Wishlist, WishlistItem
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

SAVE = "/accounts/wishlists/save/"


def text_of(response):
    """The page's HTML as text."""
    return response.content.decode()


# --- saving ------------------------------------------------------------------------------


def test_a_guest_is_asked_to_log_in_and_comes_back_to_the_product(client, product):
    """A guest's "Save to wishlist" leads to the login page with ``next`` the product page;
    nothing is saved."""
    response = client.post(SAVE, {"product": product.pk, "next": product.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next=/products/cranberry-relish/"
    assert not WishlistItem.objects.exists()


def test_a_guest_next_pointing_elsewhere_is_ignored(client, product):
    """An off-site ``next`` never becomes the place to come back to: the product page is."""
    response = client.post(SAVE, {"product": product.pk, "next": "https://evil.example/"})
    assert response["Location"].endswith("?next=/products/cranberry-relish/")


def test_first_save_makes_my_wishlist_and_saving_again_keeps_one_item(customer_client, customer, product):
    """With no list yet, saving makes "My wishlist" and puts the product on it, back to the
    product page with a message; saving again changes nothing and says so."""
    response = customer_client.post(SAVE, {"product": product.pk, "next": product.get_absolute_url()}, follow=True)
    assert response.redirect_chain == [("/products/cranberry-relish/", 302)]
    assert "Saved Cranberry Relish to your wishlist “My wishlist”." in text_of(response)
    wishlist = Wishlist.objects.get(owner=customer)
    assert wishlist.name == "My wishlist"
    assert list(wishlist.items.values_list("product__name", flat=True)) == ["Cranberry Relish"]

    response = customer_client.post(SAVE, {"product": product.pk}, follow=True)
    assert "Cranberry Relish is already on your wishlist “My wishlist”." in text_of(response)
    assert WishlistItem.objects.count() == 1


def test_with_several_lists_the_list_is_chosen_on_the_next_page(customer_client, customer, product):
    """A customer with two lists is sent to a page with both lists to choose from; posting
    the chosen list saves the product there."""
    first = services.create_list(customer, "Birthday")
    second = services.create_list(customer, "Holidays")
    response = customer_client.post(SAVE, {"product": product.pk, "next": "/products/"})
    assert response.status_code == 302
    choose = customer_client.get(response["Location"])
    page = text_of(choose)
    assert choose.status_code == 200
    assert 'name="wishlist"' in page and "Birthday" in page and "Holidays" in page
    assert '<label for="save-new-list">' in page
    response = customer_client.post(SAVE, {"product": product.pk, "wishlist": second.pk, "next": "/products/"})
    assert response["Location"] == "/products/"
    assert list(second.items.values_list("product", flat=True)) == [product.pk]
    assert not first.items.exists()


def test_a_new_list_name_makes_the_list_and_saves_to_it(customer_client, customer, product):
    """``new_list`` makes a list of that name and saves the product on it."""
    customer_client.post(SAVE, {"product": product.pk, "new_list": "  Gift   ideas "})
    wishlist = Wishlist.objects.get(owner=customer)
    assert wishlist.name == "Gift ideas"
    assert wishlist.items.get().product == product


def test_the_save_answers_json_for_scripts(customer_client, product):
    """With ``Accept: application/json`` the save answers its message as JSON."""
    response = customer_client.post(SAVE, {"product": product.pk}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["message"] == "Saved Cranberry Relish to your wishlist “My wishlist”."


def test_a_guest_script_gets_401_with_the_login_address(client, product):
    """A guest's scripted save answers 401 with where to log in."""
    response = client.post(SAVE, {"product": product.pk}, headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.json()["login_url"].endswith("?next=/products/cranberry-relish/")


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "9" * 40])
def test_a_malformed_product_id_is_a_404_with_a_message(customer_client, value):
    """Anything but digits in ``product`` is refused with a clear message before any query."""
    response = customer_client.post(SAVE, {"product": value})
    assert response.status_code == 404
    assert "No such product." in text_of(response)
    assert not Wishlist.objects.exists()


def test_an_unknown_or_discontinued_product_is_a_404(customer_client, product):
    """Unknown and discontinued products cannot be saved."""
    gone = ProductFactory(is_active=False)
    for pk in (product.pk + 1000, gone.pk):
        response = customer_client.post(SAVE, {"product": pk})
        assert response.status_code == 404
        assert "That product does not exist or is no longer sold." in text_of(response)
    assert not WishlistItem.objects.exists()


def test_another_customers_list_id_is_refused(customer_client, other_customer, product):
    """Saving to another customer's list answers 404 with a message; their list is untouched."""
    theirs = services.create_list(other_customer, "Cora's list")
    response = customer_client.post(SAVE, {"product": product.pk, "wishlist": theirs.pk})
    assert response.status_code == 404
    assert "That wishlist does not exist or is not yours." in text_of(response)
    assert not theirs.items.exists()


def test_the_list_limits_are_kept(customer_client, customer, product, settings):
    """Past COLEMAN_WISHLISTS_MAX_ITEMS or _MAX_LISTS the customer gets a 400 and a message."""
    settings.COLEMAN_WISHLISTS_MAX_ITEMS = 1
    settings.COLEMAN_WISHLISTS_MAX_LISTS = 1
    customer_client.post(SAVE, {"product": product.pk})
    response = customer_client.post(SAVE, {"product": ProductFactory().pk})
    assert response.status_code == 400
    assert "A wishlist holds at most 1 products." in text_of(response)
    response = customer_client.post("/accounts/wishlists/new/", {"name": "Another"})
    assert response.status_code == 400
    assert "You can keep at most 1 wishlists." in text_of(response)
    assert WishlistItem.objects.count() == 1 and Wishlist.objects.count() == 1


# --- the customer's pages ------------------------------------------------------------------


def test_the_wishlists_page_needs_a_login(client):
    """Guests asking for /accounts/wishlists/ are sent to log in and come back."""
    response = client.get("/accounts/wishlists/")
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next=/accounts/wishlists/"


def test_the_wishlists_page_lists_each_list_with_its_products(customer_client, customer, product, sold_out):
    """Every list shows with its products, prices and stock state; empty lists say so."""
    wishlist = services.default_list(customer)
    services.add_product(wishlist, product)
    services.add_product(wishlist, sold_out)
    services.create_list(customer, "Empty one")
    page = text_of(customer_client.get("/accounts/wishlists/"))
    assert "<h1>My wishlists</h1>" in page
    assert "Cranberry Relish" in page and "Bog Honey" in page and "Out of stock" in page
    assert "No products on this list yet." in page
    assert page.count('aria-label="Move to cart: ') == 1  # not for the sold-out product
    assert page.count('aria-label="Remove: ') == 2
    assert '<label for="id_new_name">List name:</label>' in page


def fill(customer, count):
    """A list of ``count`` products, each in its own category."""
    wishlist = services.default_list(customer)
    WishlistItem.objects.bulk_create(
        WishlistItem(wishlist=wishlist, product=product) for product in ProductFactory.create_batch(count)
    )
    return wishlist


@pytest.mark.parametrize("url", ["/accounts/wishlists/", "detail"])
def test_the_pages_read_a_fixed_number_of_queries(customer_client, customer, django_assert_num_queries, url):
    """The wishlists page and a list's page read as many queries with 100 products as with 1."""
    wishlist = fill(customer, 1)
    address = wishlist.get_absolute_url() if url == "detail" else url
    customer_client.get(address)  # the session, the user and the header's menu are warm alike for both sizes
    with django_assert_num_queries(QUERIES[url]) as one:
        response = customer_client.get(address)
    assert text_of(response).count('class="wishlist-item"') == 1
    queries_at_one_item = len(one.captured_queries)
    WishlistItem.objects.bulk_create(
        WishlistItem(wishlist=wishlist, product=product) for product in ProductFactory.create_batch(99)
    )
    customer_client.get(address)  # the new categories changed the catalog: the header's menu is read again once
    with django_assert_num_queries(queries_at_one_item):
        response = customer_client.get(address)
    assert text_of(response).count('class="wishlist-item"') == 100


# session (the user comes from the cache: coleman.core.auth.CachedModelBackend), then the lists
# and their items with products (index) or the list and its items with products (detail)
QUERIES = {"/accounts/wishlists/": 3, "detail": 3}


def test_another_customers_list_is_a_404_everywhere(customer_client, other_customer, product):
    """A list or an item of another customer answers 404 on every page and action, and is
    left as it was."""
    theirs = services.create_list(other_customer, "Cora's list")
    item, _ = services.add_product(theirs, product)
    for url in [f"/accounts/wishlists/{theirs.pk}/", f"/accounts/wishlists/{theirs.pk}/delete/"]:
        assert customer_client.get(url).status_code == 404, url
    posts = {
        f"/accounts/wishlists/{theirs.pk}/rename/": {"name": "Mine now"},
        f"/accounts/wishlists/{theirs.pk}/delete/": {},
        f"/accounts/wishlists/{theirs.pk}/share/": {"action": "share"},
        f"/accounts/wishlists/items/{item.pk}/remove/": {},
        f"/accounts/wishlists/items/{item.pk}/to-cart/": {},
    }
    for url, data in posts.items():
        response = customer_client.post(url, data)
        assert response.status_code == 404, url
        assert "not yours" in text_of(response) or "not on any of your wishlists" in text_of(response), url
    theirs.refresh_from_db()
    assert theirs.name == "Cora's list" and theirs.share_token is None
    assert theirs.items.count() == 1
    assert SESSION_KEY not in customer_client.session


def test_rename_and_delete_a_list(customer_client, customer, product):
    """A list is renamed (a name the customer already uses is a 400) and deleted after a
    confirmation page."""
    wishlist = services.default_list(customer)
    services.create_list(customer, "Holidays")
    response = customer_client.post(f"/accounts/wishlists/{wishlist.pk}/rename/", {"name": "Birthday"})
    assert response["Location"] == wishlist.get_absolute_url()
    wishlist.refresh_from_db()
    assert wishlist.name == "Birthday"
    response = customer_client.post(f"/accounts/wishlists/{wishlist.pk}/rename/", {"name": "holidays"})
    assert response.status_code == 400
    assert "You already have a wishlist called “holidays”." in text_of(response)
    response = customer_client.post(f"/accounts/wishlists/{wishlist.pk}/rename/", {"name": "   "})
    assert response.status_code == 400
    confirm = customer_client.get(f"/accounts/wishlists/{wishlist.pk}/delete/")
    assert "Delete the wishlist “Birthday”?" in text_of(confirm)
    response = customer_client.post(f"/accounts/wishlists/{wishlist.pk}/delete/", follow=True)
    assert "Deleted the wishlist “Birthday”." in text_of(response)
    assert list(Wishlist.objects.values_list("name", flat=True)) == ["Holidays"]


def test_remove_an_item(customer_client, customer, product):
    """ "Remove" takes the product off the list and comes back to the page it was on."""
    wishlist = services.default_list(customer)
    item, _ = services.add_product(wishlist, product)
    response = customer_client.post(
        f"/accounts/wishlists/items/{item.pk}/remove/", {"next": wishlist.get_absolute_url()}
    )
    assert response["Location"] == wishlist.get_absolute_url()
    assert not wishlist.items.exists()


def test_move_to_cart_puts_one_unit_in_the_cart_and_takes_it_off_the_list(customer_client, customer, product):
    """ "Move to cart" adds the product to the session cart (the cart's own API) and removes
    it from the list; the cart page shows it."""
    wishlist = services.default_list(customer)
    item, _ = services.add_product(wishlist, product)
    response = customer_client.post(f"/accounts/wishlists/items/{item.pk}/to-cart/", follow=True)
    assert "Moved Cranberry Relish from “My wishlist” to your cart." in text_of(response)
    assert not wishlist.items.exists()
    assert customer_client.session[SESSION_KEY]["items"] == [{"id": "1", "product": product.pk, "quantity": 1}]
    assert "Cranberry Relish" in text_of(customer_client.get("/cart/"))


def test_a_sold_out_product_stays_on_the_list(customer_client, customer, product):
    """When the cart refuses (sold out since it was saved), the answer is a 400 with the
    cart's message, and neither the list nor the cart changes."""
    wishlist = services.default_list(customer)
    item, _ = services.add_product(wishlist, product)
    product.stock = 0
    product.save()
    response = customer_client.post(f"/accounts/wishlists/items/{item.pk}/to-cart/")
    assert response.status_code == 400
    assert "Cranberry Relish is sold out." in text_of(response)
    assert wishlist.items.count() == 1
    assert not customer_client.session.get(SESSION_KEY, {}).get("items")


# --- sharing ---------------------------------------------------------------------------------


def test_a_shared_list_opens_read_only_by_its_link_until_changed_or_revoked(customer_client, customer, product):
    """Sharing gives a random private link that anyone can open (read-only: no forms, not
    indexed); a new link stops the old one, and turning sharing off stops both (404)."""
    wishlist = services.default_list(customer)
    services.add_product(wishlist, product)
    share_url = f"/accounts/wishlists/{wishlist.pk}/share/"
    customer_client.post(share_url, {"action": "share"})
    wishlist.refresh_from_db()
    first_link = wishlist.get_share_url()
    assert len(wishlist.share_token) >= 32
    assert first_link in text_of(customer_client.get(wishlist.get_absolute_url()))

    visitor = Client()
    response = visitor.get(first_link)
    assert response.status_code == 200
    assert "Cranberry Relish" in text_of(response) and "A wishlist shared by Jesse." in text_of(response)
    assert "<form" not in text_of(response).split("<main")[1]
    assert response["X-Robots-Tag"] == "noindex"

    customer_client.post(share_url, {"action": "share"})
    wishlist.refresh_from_db()
    assert visitor.get(first_link).status_code == 404
    second_link = wishlist.get_share_url()
    assert visitor.get(second_link).status_code == 200

    customer_client.post(share_url, {"action": "revoke"})
    wishlist.refresh_from_db()
    assert wishlist.share_token is None
    response = visitor.get(second_link)
    assert response.status_code == 404
    assert "its link was changed or turned off" in text_of(response)


@pytest.mark.parametrize("token", ["x", "A" * 32, "a" * 500])
def test_a_bad_share_token_is_a_404(client, customer, token):
    """A wrong, odd or overlong token opens nothing (404 with a message)."""
    wishlist = services.share(services.default_list(customer))
    response = client.get(f"/accounts/wishlists/shared/{wishlist.pk}/{token}/")
    assert response.status_code == 404
    assert "This shared wishlist does not exist" in text_of(response)


def test_an_unknown_sharing_action_is_a_400(customer_client, customer):
    """Only "share" and "revoke" are actions."""
    wishlist = services.default_list(customer)
    response = customer_client.post(f"/accounts/wishlists/{wishlist.pk}/share/", {"action": "explode"})
    assert response.status_code == 400
    assert "Unknown sharing action." in text_of(response)


# --- CSRF ----------------------------------------------------------------------------------


def test_every_form_is_csrf_protected(csrf_client, customer, product, sold_out):
    """Without the CSRF token every wishlist POST is refused (403) and changes nothing."""
    wishlist = services.default_list(customer)
    item, _ = services.add_product(wishlist, product)
    posts = {
        SAVE: {"product": product.pk},
        "/accounts/wishlists/new/": {"name": "New"},
        f"/accounts/wishlists/{wishlist.pk}/rename/": {"name": "Renamed"},
        f"/accounts/wishlists/{wishlist.pk}/delete/": {},
        f"/accounts/wishlists/{wishlist.pk}/share/": {"action": "share"},
        f"/accounts/wishlists/items/{item.pk}/remove/": {},
        f"/accounts/wishlists/items/{item.pk}/to-cart/": {},
        "/accounts/wishlists/alerts/": {"product": sold_out.pk},
        "/accounts/wishlists/alerts/confirm/": {"token": "x"},
    }
    for url, data in posts.items():
        assert csrf_client.post(url, data).status_code == 403, url
    assert list(Wishlist.objects.values_list("name", "share_token")) == [("My wishlist", None)]
    assert wishlist.items.count() == 1


def test_the_pages_forms_carry_the_csrf_token(customer_client, customer, product):
    """Every POST form on the wishlist pages carries a CSRF token."""
    wishlist = services.share(services.default_list(customer))
    services.add_product(wishlist, product)
    for url in ["/accounts/wishlists/", wishlist.get_absolute_url(), f"{SAVE}?product={product.pk}"]:
        page = text_of(customer_client.get(url))
        forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form)
