"""Checkout's address form: the store's one address form and rules, the address book with
"Save this address", and the error-summary pattern every shopper form shares."""

import re

import pytest
from django.urls import reverse

from coleman.customers.models import CustomerAddress
from coleman.orders.models import Order
from tests.factories.customers import AddressFactory
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def fill_cart(client):
    """One product in the cart."""
    client.post(reverse("cart:add-item", args=[ProductFactory().pk]), {"quantity": "1"})


def token(client):
    """The checkout page's one-time token."""
    return client.get(reverse("payments:choose")).context["form"].initial["checkout_token"]


def tag(html, field_id):
    """The opening tag of the element with ``id=field_id``."""
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html)[0]


def test_a_failed_checkout_has_the_error_summary_and_tied_field_errors(client):
    """Missing and invalid fields: 400; "Error: " starts the title; a summary at the top links to
    each field; each field says its error above the input, which is aria-invalid and described by
    the message; required fields are marked; address fields carry autocomplete tokens."""
    fill_cart(client)
    data = {"checkout_token": token(client), "email": "ada@example.com", **ADDRESS}
    data.update(line1="", state="ZZ", postal_code="123")
    response = client.post(reverse("payments:choose"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    summary = re.search(r'<div class="error-summary"[^>]*data-error-summary>(.*?)</div>', html, re.S)
    assert summary and 'role="alert"' in summary[0] and 'tabindex="-1"' in summary[0]
    for field in ("line1", "state", "postal_code"):
        assert f'href="#id_{field}"' in summary[1]
        assert 'aria-invalid="true"' in tag(html, f"id_{field}")
        assert f"id_{field}_error" in tag(html, f"id_{field}")
        assert f'id="id_{field}_error"' in html
    assert "Choose a US state" in html and "Enter a US ZIP code" in html
    assert re.search(
        r'<label for="id_city">City:</label><span class="required-mark" aria-hidden="true"> \*</span>', html
    )
    assert 'autocomplete="address-line1"' in tag(html, "id_line1")
    assert 'autocomplete="postal-code"' in tag(html, "id_postal_code")
    assert "<select" in tag(html, "id_country") and 'autocomplete="country"' in tag(html, "id_country")
    assert not Order.objects.exists()


def test_the_same_error_pattern_on_other_shopper_forms(client):
    """Log in, guest order look-up: the same summary, title prefix and tied errors."""
    for url, data in [
        (reverse("customers:login"), {"username": "", "password": ""}),
        (reverse("orders:lookup"), {"number": "", "email": "nope"}),
    ]:
        html = client.post(url, data).content.decode()
        assert re.search(r"<title>Error: ", html), url
        assert "data-error-summary" in html and "There is a problem" in html, url
        assert 'aria-invalid="true"' in html, url


def test_a_page_without_errors_has_no_summary(client):
    """A fresh form has no summary and no "Error: " title."""
    fill_cart(client)
    html = client.get(reverse("payments:choose")).content.decode()
    assert "data-error-summary" not in html and "<title>Error:" not in html


def test_saved_addresses_are_offered_default_first_and_a_new_one_can_be_saved(
    client, django_capture_on_commit_callbacks
):
    """A customer with an address book sees it (the default chosen); a typed new address with
    "Save this address" ticked ships the order and joins the book."""
    user = UserFactory()
    AddressFactory(user=user, name="Home Cora", line1="3 Cranberry Lane", city="Plymouth")
    client.force_login(user)
    fill_cart(client)
    page = client.get(reverse("payments:choose"))
    html = page.content.decode()
    default_id = page.context["form"].fields["address_choice"].initial
    assert re.search(rf'<input[^>]*value="{default_id}"[^>]*checked', html)
    assert "Save this address in my address book" in html
    data = {
        "checkout_token": page.context["form"].initial["checkout_token"],
        "address_choice": "new",
        "save_address": "on",
        **ADDRESS,
        "name": "Office Cora",
        "state": "massachusetts",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:choose"), data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.ship_name, order.ship_state) == ("Office Cora", "MA")
    saved = CustomerAddress.objects.get(name="Office Cora")
    assert (saved.line1, saved.state, saved.country) == (ADDRESS["line1"], "MA", "US")


def test_guests_are_not_offered_to_save_the_address(client):
    """Guests have no address book: no "Save this address"."""
    fill_cart(client)
    assert "Save this address" not in client.get(reverse("payments:choose")).content.decode()
