"""Staff views of customers in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from coleman.customers.models import Customer
from coleman.customers.services import customer_for
from tests.factories.customers import AddressFactory
from tests.factories.users import UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_customer_changelist_is_searchable_by_name_email_and_phone(staff_client):
    """Staff find customers by first or last name, email or phone number."""
    cora = UserFactory(username="cora", first_name="Cora", last_name="Bogsworth", email="cora@bog.example")
    customer = customer_for(cora)
    customer.phone_number = "+1 508 555 0142"
    customer.save()
    UserFactory(username="other", first_name="Otto", last_name="Else", email="otto@example.com")
    url = reverse("admin:customers_customer_changelist")
    for term in ["Bogsworth", "Cora", "cora@bog", "555 0142"]:
        response = staff_client.get(url, {"q": term})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [customer], term


def test_customer_change_page_shows_addresses_inline(staff_client):
    """A customer's page lists their addresses inline, and offers only their own as default."""
    address = AddressFactory(line1="42 Inline Way")
    AddressFactory(line1="99 Foreign Rd")
    response = staff_client.get(reverse("admin:customers_customer_change", args=[address.customer.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "42 Inline Way" in html
    choices = response.context["adminform"].form.fields["default_address"].queryset
    assert list(choices) == [address]


@pytest.mark.parametrize("size", [1, 30])
def test_admin_list_query_counts_do_not_grow(staff_client, django_assert_num_queries, size):
    """The customer and user lists read users, address counts and profile flags in fixed queries."""
    AddressFactory.create_batch(size)
    with django_assert_num_queries(7):
        assert staff_client.get(reverse("admin:customers_customer_changelist")).status_code == 200
    # The staff user's own row now comes from the cache (CachedModelBackend).
    with django_assert_num_queries(5):
        assert staff_client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_users_list_shows_whether_a_profile_exists(staff_client):
    """The admin's user list has a "customer profile" column, true or false per user."""
    with_profile = UserFactory(username="withprofile")
    without = UserFactory(username="withoutprofile")
    Customer.objects.filter(user=without).delete()
    response = staff_client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    rows = {user.username: user.customer_profile_exists for user in response.context["cl"].result_list}
    assert rows["withprofile"] is True
    assert rows["withoutprofile"] is False
    assert "customer profile" in response.content.decode().lower()
    assert with_profile.pk


def test_user_admin_keeps_djangos_features(staff_client):
    """Re-registering the user admin keeps Django's add-user form and password change pages."""
    assert staff_client.get(reverse("admin:auth_user_add")).status_code == 200
    user = UserFactory()
    assert staff_client.get(reverse("admin:auth_user_password_change", args=[user.pk])).status_code == 200


def test_customers_cannot_be_added_without_a_user_in_the_admin(staff_client):
    """Profiles come with their user; the admin offers no separate "add customer"."""
    assert staff_client.get(reverse("admin:customers_customer_add")).status_code == 403
