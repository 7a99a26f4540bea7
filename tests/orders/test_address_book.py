"""Checkout's address book hook: the customers app's book when installed, any other by setting,
none without customers; orders never imports customers."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse

from coleman.orders.address_book import address_book_path, saved_addresses_for
from coleman.orders.forms import CheckoutForm
from coleman.orders.models import Order
from tests.factories.customers import AddressFactory
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory
from tests.factories.users import UserFactory as CustomerFactory

pytestmark = pytest.mark.django_db


def office_book(user):
    """An address book of another kind: one fixed office address for everybody."""
    return [{"id": "office", **ADDRESS, "name": "Cranberry Office", "city": "Plymouth"}]


def test_the_customers_book_is_offered_default_first_and_used(client, django_capture_on_commit_callbacks):
    """With the customers app, checkout offers the saved addresses (the default chosen) and ships there."""
    user = CustomerFactory()
    other = AddressFactory(user=user, name="Work Cora", line1="9 Mill St")
    default = AddressFactory(user=user, name="Home Cora", line1="3 Cranberry Lane", city="Plymouth")
    customer = default.customer
    customer.default_address = default
    customer.save()
    form = CheckoutForm(user=user)
    assert [choice for choice, _label in form.fields["address_choice"].choices] == [
        str(default.pk),
        str(other.pk),
        "new",
    ]
    assert form.fields["address_choice"].initial == str(default.pk)
    client.force_login(user)
    client.post(reverse("cart:add-item", args=[ProductFactory().pk]), {"quantity": "1"})
    response = client.get(reverse("orders:checkout"))
    page = response.content.decode()
    assert "Home Cora, 3 Cranberry Lane, Plymouth, 02571, US" in page and "A new address" in page
    token = response.context["form"].initial["checkout_token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orders:checkout"), {"checkout_token": token, "address_choice": str(default.pk), "country": "US"}
        )
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.ship_name, order.ship_line1, order.ship_city) == ("Home Cora", "3 Cranberry Lane", "Plymouth")


def test_another_customers_address_id_is_refused():
    """Only the shopper's own saved addresses are choices; someone else's id is an invalid choice."""
    user = CustomerFactory()
    AddressFactory(user=user)
    stranger = AddressFactory()
    form = CheckoutForm({"checkout_token": "t" * 43, "address_choice": str(stranger.pk)}, user=user)
    assert not form.is_valid() and "address_choice" in form.errors


def test_without_the_customers_app_checkout_offers_no_book():
    """With coleman.customers removed from INSTALLED_APPS the hook is off, saved rows or not."""
    user = CustomerFactory()
    AddressFactory(user=user)
    assert saved_addresses_for(user) != []
    remaining = [app for app in settings.INSTALLED_APPS if app != "coleman.customers"]
    with override_settings(INSTALLED_APPS=remaining):
        assert address_book_path() == ""
        assert saved_addresses_for(user) == []
        form = CheckoutForm(user=user)
        assert "address_choice" not in form.fields
        assert form.fields["line1"].required


@override_settings(COLEMAN_ORDERS_ADDRESS_BOOK="tests.orders.test_address_book.office_book")
def test_a_book_of_your_own_is_named_by_the_setting():
    """A dotted path in COLEMAN_ORDERS_ADDRESS_BOOK is the book checkout offers."""
    form = CheckoutForm({"checkout_token": "t" * 43, "address_choice": "office", "country": "US"}, user=UserFactory())
    assert form.is_valid(), form.errors
    assert form.shipping_address() == {**ADDRESS, "name": "Cranberry Office", "city": "Plymouth"}


@override_settings(COLEMAN_ORDERS_ADDRESS_BOOK="")
def test_an_empty_setting_turns_the_book_off():
    """``""`` offers no saved addresses even with the customers app installed."""
    user = CustomerFactory()
    AddressFactory(user=user)
    assert saved_addresses_for(user) == []


def test_guests_have_no_book():
    """Anonymous shoppers are never offered saved addresses (and the book is not asked)."""
    assert saved_addresses_for(None) == []


@pytest.mark.parametrize("value", ["tests.orders.no_such_module.book", "coleman.orders.address_book.CUSTOMERS_APP", 3])
def test_a_bad_book_setting_fails_the_system_check(value):
    """A path that does not import, names no callable, or is not a string is coleman.E045."""
    with override_settings(COLEMAN_ORDERS_ADDRESS_BOOK=value):
        assert [error.id for error in run_checks() if error.id == "coleman.E045"] == ["coleman.E045"]


def test_the_default_book_passes_the_system_check():
    """The default (the customers app's book) passes the check."""
    assert [error.id for error in run_checks() if error.id == "coleman.E045"] == []


SCRIPT = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("check", fail_level="ERROR")
call_command("migrate", verbosity=0)
from tests.factories.products import ProductFactory
user = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-12345")
client = Client()
client.force_login(user)
assert client.post(f"/cart/add/{ProductFactory().pk}/", {"quantity": "1"}).status_code == 302
page = client.get("/checkout/")
assert page.status_code == 200, page.status_code
assert b'name="address_choice"' not in page.content
assert b'autocomplete="address-line1"' in page.content
assert "coleman.customers" not in sys.modules, "something imported the customers app"
print("OK")
"""


def test_store_without_the_customers_app(tmp_path):
    """Without coleman.customers: checks pass, checkout renders with typed address fields only,
    and nothing imports the customers app."""
    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.orders.settings_without_customers",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "COLEMAN_TEST_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("OK")
