"""The checkout form: guests give an email, customers may pick from their address book."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coleman.orders.forms import NEW_ADDRESS, CheckoutForm
from tests.factories.orders import ADDRESS
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


class FakeAddress:
    """Stands in for customers.CustomerAddress (pk + as_shipping_dict), per the contract."""

    def __init__(self, pk, **fields):
        self.pk = pk
        self.fields = {**ADDRESS, **fields}

    def as_shipping_dict(self):
        return dict(self.fields)


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
    """Choosing a saved address uses its as_shipping_dict(); typed fields may stay empty."""
    user = UserFactory()
    home = FakeAddress(7, name="Home Ada", city="Boston")
    work = FakeAddress(9, name="Work Ada")
    blank = {field: "" for field in CheckoutForm.typed_address_fields}
    form = CheckoutForm({**blank, "checkout_token": "t" * 43, "address_choice": "7"}, user=user, addresses=[home, work])
    assert form.fields["address_choice"].initial == "7"
    assert form.is_valid(), form.errors
    assert form.shipping_address()["name"] == "Home Ada" and form.shipping_address()["city"] == "Boston"


def test_customer_chooses_a_new_address_and_must_type_it():
    """ "A new address" requires the typed fields; an unknown choice is refused."""
    user = UserFactory()
    addresses = [FakeAddress(7)]
    form = CheckoutForm({"checkout_token": "t" * 43, "address_choice": NEW_ADDRESS}, user=user, addresses=addresses)
    assert not form.is_valid() and "line1" in form.errors
    form = CheckoutForm(data(address_choice="999"), user=user, addresses=addresses)
    assert not form.is_valid() and "address_choice" in form.errors
    form = CheckoutForm(data(address_choice=NEW_ADDRESS, name="New Place"), user=user, addresses=addresses)
    assert form.is_valid() and form.shipping_address()["name"] == "New Place"


@pytest.fixture
def customers_address_book(monkeypatch):
    """Pretend coleman.customers is installed with a one-address book (its contract, faked).

    The real customers app is written in parallel; this pins the glue: is_installed guard,
    lazy import of ``coleman.customers.services.address_book_for`` and ``as_shipping_dict``.
    """
    import sys
    import types

    from django.apps import apps

    from coleman.orders import forms as orders_forms

    booked = FakeAddress(3, name="Booked Ada", line1="3 Cranberry Lane", city="Plymouth")
    fake = types.ModuleType("coleman.customers.services")
    fake.address_book_for = lambda user: [booked]
    if "coleman.customers" not in sys.modules:
        monkeypatch.setitem(sys.modules, "coleman.customers", types.ModuleType("coleman.customers"))
    monkeypatch.setitem(sys.modules, "coleman.customers.services", fake)

    class AppsWithCustomers:
        """The app registry as the orders forms see it, with customers installed."""

        def is_installed(self, name):
            return name == "coleman.customers" or apps.is_installed(name)

    monkeypatch.setattr(orders_forms, "apps", AppsWithCustomers())
    return booked


def test_checkout_offers_and_uses_the_address_book(client, customers_address_book, django_capture_on_commit_callbacks):
    """With the customers app, checkout lists the saved address and the order ships there."""
    from django.urls import reverse

    from coleman.orders.models import Order
    from tests.factories.products import ProductFactory

    user = UserFactory()
    client.force_login(user)
    client.post(reverse("cart:add-item", args=[ProductFactory().pk]), {"quantity": "1"})
    response = client.get(reverse("orders:checkout"))
    page = response.content.decode()
    assert "Booked Ada, 3 Cranberry Lane, Plymouth" in page and "A new address" in page
    token = response.context["form"].initial["checkout_token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:checkout"), {"checkout_token": token, "address_choice": "3"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.ship_name, order.ship_line1, order.ship_city) == (
        "Booked Ada",
        "3 Cranberry Lane",
        "Plymouth",
    )
