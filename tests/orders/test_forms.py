"""The checkout form: guests give an email, customers may pick from their address book."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coleman.orders.forms import NEW_ADDRESS, CheckoutForm
from tests.factories.orders import ADDRESS
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def saved(address_id, **fields):
    """A saved address as an address book hands it to checkout: an id and the address fields."""
    return {"id": address_id, **ADDRESS, **fields}


def data(**overrides):
    return {"checkout_token": "t" * 43, "email": "g@example.com", **ADDRESS, **overrides}


def test_guest_must_give_email_and_address():
    """A guest form needs an email and the required address fields."""
    form = CheckoutForm({"checkout_token": "t" * 43}, user=AnonymousUser())
    assert not form.is_valid()
    assert {"email", "name", "line1", "city", "postal_code", "country"} <= set(form.errors)
    form = CheckoutForm(data(country="ca"), user=AnonymousUser())
    assert form.is_valid(), form.errors
    assert form.shipping_address()["country"] == "CA"
    assert form.order_email() == "g@example.com"


def test_customer_without_address_book_types_an_address():
    """A signed-in customer has no email field and types the address."""
    user = UserFactory(email="me@example.com")
    form = CheckoutForm(data(email=""), user=user, addresses=[])
    assert "email" not in form.fields and "address_choice" not in form.fields
    assert form.is_valid(), form.errors
    assert form.order_email() == "me@example.com"


def test_customer_picks_a_saved_address():
    """Choosing a saved address ships to it; typed fields may stay empty (the country select posts US)."""
    user = UserFactory()
    home = saved(7, name="Home Ada", city="Boston")
    work = saved(9, name="Work Ada")
    blank = {field: "" for field in CheckoutForm.typed_address_fields}
    blank["country"] = "US"
    form = CheckoutForm({**blank, "checkout_token": "t" * 43, "address_choice": "7"}, user=user, addresses=[home, work])
    assert form.fields["address_choice"].initial == "7"
    assert form.is_valid(), form.errors
    assert form.shipping_address()["name"] == "Home Ada" and form.shipping_address()["city"] == "Boston"


def test_customer_chooses_a_new_address_and_must_type_it():
    """ "A new address" requires the typed fields; an unknown choice is refused."""
    user = UserFactory()
    addresses = [saved(7)]
    form = CheckoutForm({"checkout_token": "t" * 43, "address_choice": NEW_ADDRESS}, user=user, addresses=addresses)
    assert not form.is_valid() and "line1" in form.errors
    form = CheckoutForm(data(address_choice="999"), user=user, addresses=addresses)
    assert not form.is_valid() and "address_choice" in form.errors
    form = CheckoutForm(data(address_choice=NEW_ADDRESS, name="New Place"), user=user, addresses=addresses)
    assert form.is_valid() and form.shipping_address()["name"] == "New Place"
