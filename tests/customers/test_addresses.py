"""The address book: add, edit, delete, choose the default; owner-only access."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from coleman.customers.models import CustomerAddress
from coleman.customers.services import customer_for
from tests.factories.customers import AddressFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/accounts/addresses/"
ADD_URL = "/accounts/addresses/add/"


def address_data(**overrides):
    data = {
        "name": "Cora Cranberry",
        "line1": "12 Bog Road",
        "line2": "",
        "line3": "",
        "city": "Wareham",
        "state": "MA",
        "postal_code": "02571",
        "country": "US",
    }
    data.update(overrides)
    return data


def test_first_address_added_becomes_the_default(shopper_client, shopper):
    """Adding the first address saves it and makes it the default shipping address."""
    response = shopper_client.post(ADD_URL, address_data())
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    address = CustomerAddress.objects.get()
    assert address.customer.user == shopper
    assert customer_for(shopper).default_address == address


def test_later_address_becomes_default_only_when_asked(shopper_client, shopper):
    """A second address leaves the default alone unless "use as default" is ticked."""
    shopper_client.post(ADD_URL, address_data(line1="1 First St"))
    shopper_client.post(ADD_URL, address_data(line1="2 Second St"))
    assert customer_for(shopper).default_address.line1 == "1 First St"
    shopper_client.post(ADD_URL, address_data(line1="3 Third St", make_default="on"))
    assert customer_for(shopper).default_address.line1 == "3 Third St"


def test_add_follows_a_local_next_only(shopper_client):
    """After adding, a local ``next`` (e.g. checkout) is followed; another site's is ignored."""
    local = shopper_client.post(f"{ADD_URL}?next=/checkout/", address_data())
    assert local["Location"] == "/checkout/"
    foreign = shopper_client.post(ADD_URL, {**address_data(line1="9 Elm"), "next": "https://evil.example/"})
    assert foreign["Location"] == LIST_URL


@pytest.mark.parametrize(("typed", "stored"), [("ma", "MA"), ("Massachusetts", "MA"), ("calif", "CA"), (" ny ", "NY")])
def test_us_state_names_and_codes_are_normalised(shopper_client, typed, stored):
    """US states may be typed as codes or names; the two-letter code is stored."""
    response = shopper_client.post(ADD_URL, address_data(state=typed))
    assert response.status_code == 302
    assert CustomerAddress.objects.get().state == stored


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"state": "ZZ"}, "state", "Choose a US state"),
        ({"state": ""}, "state", "Choose a US state"),
        ({"state": "Bavaria"}, "state", "Choose a US state"),
        ({"postal_code": "ABC"}, "postal_code", "US ZIP code"),
        ({"postal_code": "025711"}, "postal_code", "US ZIP code"),
        ({"line1": ""}, "line1", "This field is required."),
        ({"name": "n" * 201}, "name", "at most 200 characters"),
        ({"line1": "l" * 201}, "line1", "at most 200 characters"),
        ({"city": "c" * 101}, "city", "at most 100 characters"),
        ({"postal_code": "9" * 21}, "postal_code", "at most 20 characters"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"country": "United States"}, "country", "Select a valid choice"),
    ],
)
def test_invalid_addresses_are_explained_and_not_saved(shopper_client, overrides, field, message):
    """Each invalid value is reported on its field (400); no address is saved."""
    response = shopper_client.post(ADD_URL, address_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert not CustomerAddress.objects.exists()


def test_state_is_free_text_outside_the_us(shopper_client):
    """For other countries any region (or none) is accepted, with local postal codes."""
    assert (
        shopper_client.post(ADD_URL, address_data(state="Bayern", postal_code="80331", country="DE")).status_code == 302
    )
    assert shopper_client.post(ADD_URL, address_data(state="", postal_code="sw1a 1aa", country="GB")).status_code == 302
    german, british = CustomerAddress.objects.order_by("pk")
    assert (german.state, german.country.code) == ("Bayern", "DE")
    assert (british.state, british.postal_code) == ("", "SW1A 1AA")


def test_unicode_address_is_kept_as_typed(shopper_client):
    """Addresses in any script are stored and shown as typed."""
    data = address_data(name="李小龙", line1="Straße der Pariser Kommune 8", city="東京", state="東京都", country="JP")
    shopper_client.post(ADD_URL, data)
    address = CustomerAddress.objects.get()
    assert (address.name, address.line1, address.city) == ("李小龙", "Straße der Pariser Kommune 8", "東京")
    assert "李小龙" in shopper_client.get(LIST_URL).content.decode()


def test_markup_in_an_address_is_escaped_on_the_page(shopper_client):
    """What a customer types is shown as text, never as HTML."""
    shopper_client.post(ADD_URL, address_data(name="<script>alert(1)</script>"))
    html = shopper_client.get(LIST_URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_edit_updates_the_customers_own_address(shopper_client, shopper):
    """The edit page changes the address and keeps it in the same book."""
    address = AddressFactory(user=shopper)
    response = shopper_client.post(
        reverse("customers:address-edit", args=[address.pk]), address_data(line1="77 New Bog Rd")
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.line1 == "77 New Bog Rd"
    assert address.customer.user == shopper


def test_delete_asks_first_then_removes_the_address(shopper_client, shopper):
    """GET shows a confirmation; POST deletes; a deleted default leaves no default."""
    address = AddressFactory(user=shopper)
    customer = customer_for(shopper)
    customer.default_address = address
    customer.save()
    url = reverse("customers:address-delete", args=[address.pk])
    assert "Delete this address?" in shopper_client.get(url).content.decode()
    assert CustomerAddress.objects.filter(pk=address.pk).exists()
    response = shopper_client.post(url)
    assert response.status_code == 302
    assert not CustomerAddress.objects.filter(pk=address.pk).exists()
    customer.refresh_from_db()
    assert customer.default_address is None


def test_make_default_is_post_only_and_switches_the_default(shopper_client, shopper):
    """The "make default" button changes the default by POST; GET is not allowed."""
    AddressFactory(user=shopper)
    other = AddressFactory(user=shopper, line1="2 Other Rd")
    url = reverse("customers:address-default", args=[other.pk])
    assert shopper_client.get(url).status_code == 405
    response = shopper_client.post(url)
    assert response.status_code == 302
    assert customer_for(shopper).default_address == other


@pytest.mark.parametrize("name", ["address-edit", "address-delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_customers_address_is_not_found(shopper_client, name, method):
    """Any address id of another customer answers 404 and is left unchanged."""
    victim = AddressFactory(line1="1 Victim Lane")
    response = getattr(shopper_client, method)(reverse(f"customers:{name}", args=[victim.pk]), address_data())
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.line1 == "1 Victim Lane"


def test_making_another_customers_address_default_is_not_found(shopper_client, shopper):
    """A customer cannot point their default at someone else's address."""
    victim = AddressFactory()
    response = shopper_client.post(reverse("customers:address-default", args=[victim.pk]))
    assert response.status_code == 404
    assert customer_for(shopper).default_address is None


def test_a_missing_address_id_is_not_found(shopper_client):
    """An id that does not exist answers 404."""
    assert shopper_client.get(reverse("customers:address-edit", args=[999999])).status_code == 404


def test_address_pages_require_login(client):
    """Anonymous visitors are sent to log in from every address page."""
    address = AddressFactory()
    for url in [LIST_URL, ADD_URL, reverse("customers:address-edit", args=[address.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@override_settings(COLEMAN_CUSTOMERS_MAX_ADDRESSES=2)
def test_a_full_address_book_refuses_more_addresses(shopper_client, shopper):
    """Beyond COLEMAN_CUSTOMERS_MAX_ADDRESSES, adding is refused with a message (400)."""
    AddressFactory.create_batch(2, user=shopper)
    response = shopper_client.post(ADD_URL, address_data())
    assert response.status_code == 400
    assert "Your address book is full" in response.content.decode()
    assert CustomerAddress.objects.count() == 2


@pytest.mark.parametrize("size", [1, 20])
def test_address_list_query_count_does_not_grow(shopper_client, shopper, django_assert_num_queries, size):
    """The address book page reads a fixed number of queries whatever its size."""
    AddressFactory.create_batch(size, user=shopper)
    with django_assert_num_queries(3 + 1):  # + the header's category menu (cached once built)
        response = shopper_client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["addresses"]) == size


@pytest.mark.parametrize(
    ("url_name", "needs_pk"),
    [("address-add", False), ("address-edit", True), ("address-delete", True), ("address-default", True)],
)
def test_address_changes_without_csrf_token_are_refused(shopper, url_name, needs_pk):
    """Cross-site POSTs to any address page get 403 and change nothing."""
    address = AddressFactory(user=shopper)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(shopper)
    url = reverse(f"customers:{url_name}", args=[address.pk] if needs_pk else [])
    response = csrf_client.post(url, address_data(line1="Changed"))
    assert response.status_code == 403
    assert list(CustomerAddress.objects.values_list("line1", flat=True)) == [address.line1]


def test_other_users_address_cannot_be_set_via_the_shared_form_fields(shopper_client, shopper):
    """Posting a ``customer`` field does not move an address into another book."""
    other = UserFactory(username="other")
    shopper_client.post(ADD_URL, {**address_data(), "customer": customer_for(other).pk})
    assert CustomerAddress.objects.get().customer.user == shopper


def test_editing_the_default_address_offers_no_default_checkbox_and_keeps_it_default(shopper_client, shopper):
    """The default address's edit form has no "use as default" box; saving keeps it the default."""
    shopper_client.post(ADD_URL, address_data())
    address = CustomerAddress.objects.get()
    url = reverse("customers:address-edit", args=[address.pk])
    assert "make_default" not in shopper_client.get(url).context["form"].fields
    shopper_client.post(url, address_data(line1="5 Moved St"))
    assert customer_for(shopper).default_address == address


def test_editing_another_address_can_make_it_the_default(shopper_client, shopper):
    """A non-default address can be made the default from its edit form."""
    shopper_client.post(ADD_URL, address_data(line1="1 First St"))
    shopper_client.post(ADD_URL, address_data(line1="2 Second St"))
    second = CustomerAddress.objects.get(line1="2 Second St")
    url = reverse("customers:address-edit", args=[second.pk])
    assert "make_default" in shopper_client.get(url).context["form"].fields
    shopper_client.post(url, address_data(line1="2 Second St", make_default="on"))
    assert customer_for(shopper).default_address == second
