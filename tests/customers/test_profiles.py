"""Customer profiles: automatic creation, the account page and editing details."""

from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from coleman.customers.models import Customer, CustomerQuerySet
from coleman.customers.services import customer_for
from tests.factories.customers import AddressFactory
from tests.factories.users import PASSWORD, UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db

PROFILE_URL = "/accounts/profile/"
EDIT_URL = "/accounts/profile/edit/"


def profile_data(**overrides):
    data = {"first_name": "Cora", "last_name": "Cranberry", "email": "cora@example.com", "phone_number": ""}
    data.update(overrides)
    return data


def test_every_new_user_gets_exactly_one_profile():
    """Creating a user (any way) creates one Customer; saving the user again adds none."""
    user = User.objects.create_user("plain", "plain@example.com", "pw-plain-123")
    superuser = User.objects.create_superuser("root", "root@example.com", "pw-root-123")
    user.first_name = "Changed"
    user.save()
    assert Customer.objects.filter(user=user).count() == 1
    assert Customer.objects.filter(user=superuser).count() == 1


def test_customer_for_recreates_a_missing_profile_once():
    """A user whose profile is missing (fixture-loaded, say) gets one on first use, never two."""
    user = UserFactory()
    Customer.objects.filter(user=user).delete()
    first = customer_for(user)
    second = customer_for(user)
    assert first.pk == second.pk
    assert Customer.objects.filter(user=user).count() == 1


def test_customer_for_survives_a_parallel_request_creating_the_profile_first():
    """If another request inserts the profile between our read and our insert, the unique
    constraint refuses the duplicate and the existing profile is returned."""
    user = UserFactory()
    existing = Customer.objects.get(user=user)
    real_get = CustomerQuerySet.get
    reads = []

    def read_that_misses_the_first_time(queryset, *args, **kwargs):
        reads.append(kwargs)
        if len(reads) == 1:
            raise Customer.DoesNotExist
        return real_get(queryset, *args, **kwargs)

    with mock.patch.object(CustomerQuerySet, "get", read_that_misses_the_first_time):
        customer = customer_for(user)
    assert customer.pk == existing.pk
    assert len(reads) == 2, "the insert failed and the row was read again"
    assert Customer.objects.filter(user=user).count() == 1


def test_account_root_redirects_to_the_profile(shopper_client):
    """/accounts/ itself sends the customer to their account page."""
    response = shopper_client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL


def test_profile_page_shows_name_email_phone_and_addresses(shopper_client, shopper):
    """The account page lists the customer's own details and addresses, default first."""
    customer = customer_for(shopper)
    customer.phone_number = "+1 555 010 0199"
    customer.save()
    AddressFactory(user=shopper, name="Second Home", line1="9 Marsh Lane")
    default = AddressFactory(user=shopper, name="Cora at Work", line1="1 Harvest Way")
    customer.default_address = default
    customer.save()
    AddressFactory(name="Someone Else", line1="666 Other Street")

    response = shopper_client.get(PROFILE_URL)
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Cora Cranberry", "cora@example.com", "+1 555 010 0199", "1 Harvest Way", "9 Marsh Lane"]:
        assert text in html
    assert "666 Other Street" not in html
    assert html.index("1 Harvest Way") < html.index("9 Marsh Lane"), "default address first"
    assert "Default shipping address" in html


@pytest.mark.parametrize("size", [1, 25])
def test_profile_page_query_count_does_not_grow_with_addresses(
    shopper_client, shopper, django_assert_num_queries, size
):
    """The account page reads a fixed number of queries (session, user, profile, addresses, the
    customer's subscriptions when the digital app adds its panel, and their Amazon prepaid and
    postpaid instruments when the payments app adds its panel)."""
    AddressFactory.create_batch(size, user=shopper)
    panels = apps.is_installed("coleman.digital") + apps.is_installed("coleman.payments")
    # + 1: the header's category menu (cached once built)
    with django_assert_num_queries(1 + 4 + panels):
        response = shopper_client.get(PROFILE_URL)
    assert response.status_code == 200
    assert len(response.context["addresses"]) == size


def test_profile_requires_login(client):
    """Anonymous visitors are sent to log in."""
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_editing_name_and_phone_saves_both(shopper_client, shopper):
    """Name and phone are saved together; the page redirects to the profile with a message."""
    response = shopper_client.post(
        EDIT_URL,
        profile_data(first_name="Corá", last_name="Ødegård", phone_number="(508) 555-0100"),
        follow=True,
    )
    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert "Your details have been saved." in response.content.decode()
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.last_name) == ("Corá", "Ødegård")
    assert customer_for(shopper).phone_number == "(508) 555-0100"
    assert not mail.outbox, "no email when the address is unchanged"


def test_edit_form_starts_with_current_details(shopper_client, shopper):
    """The edit form is filled in with what is saved now."""
    customer = customer_for(shopper)
    customer.phone_number = "555 0100"
    customer.save()
    form = shopper_client.get(EDIT_URL).context["form"]
    assert form.initial == {
        "first_name": "Cora",
        "last_name": "Cranberry",
        "email": "cora@example.com",
        "phone_number": "555 0100",
    }


def test_changing_email_needs_the_current_password(shopper_client, shopper):
    """A new email address is refused without the current password."""
    response = shopper_client.post(EDIT_URL, profile_data(email="new@example.com"))
    assert response.status_code == 400
    assert "Enter your current password" in response.content.decode()
    shopper.refresh_from_db()
    assert shopper.email == "cora@example.com"


def test_changing_email_with_password_saves_it_and_warns_the_old_address(shopper_client, shopper):
    """With the password, the email changes and the old address is told (plain text, store name)."""
    response = shopper_client.post(EDIT_URL, profile_data(email="New@Example.com", current_password=PASSWORD))
    assert response.status_code == 302
    shopper.refresh_from_db()
    assert shopper.email == "New@example.com"
    (message,) = mail.outbox
    assert message.to == ["cora@example.com"]
    assert message.subject == "Your CranStore email address was changed"
    assert "New@example.com" in message.body


def test_email_used_by_another_account_in_any_case_is_refused(shopper_client, shopper):
    """The profile re-checks case-insensitive uniqueness of the email address."""
    UserFactory(username="other", email="Taken@Example.com")
    response = shopper_client.post(EDIT_URL, profile_data(email="taken@example.COM", current_password=PASSWORD))
    assert response.status_code == 400
    assert "already used by another account" in response.content.decode()
    shopper.refresh_from_db()
    assert shopper.email == "cora@example.com"


def test_changing_only_the_case_of_ones_own_email_needs_no_password(shopper_client, shopper):
    """Re-typing one's own address in another case is not a change of address."""
    response = shopper_client.post(EDIT_URL, profile_data(email="Cora@example.com"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone_number": "call me maybe"}, "phone_number"),
        ({"phone_number": "1" * 40}, "phone_number"),
        ({"first_name": "x" * 151}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"email": "cora@@example.com"}, "email"),
        ({"email": "c" * 300 + "@example.com"}, "email"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(shopper_client, shopper, overrides, field):
    """Invalid values are shown next to their field (400) and nothing is saved."""
    response = shopper_client.post(EDIT_URL, profile_data(**{"first_name": "Changed", **overrides}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    shopper.refresh_from_db()
    assert shopper.first_name == "Cora"


def test_profile_edit_without_csrf_token_is_refused(shopper):
    """A cross-site POST cannot change a customer's details."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(shopper)
    response = csrf_client.post(EDIT_URL, profile_data(first_name="Hacked"))
    assert response.status_code == 403
    shopper.refresh_from_db()
    assert shopper.first_name == "Cora"
