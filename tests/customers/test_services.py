"""The public functions orders relies on, and the services behind the views."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from coleman.customers.exceptions import NotYourAddress
from coleman.customers.models import CustomerAddress
from coleman.customers.services import (
    address_book_for,
    customer_for,
    delete_address,
    save_address,
    set_default_address,
)
from tests.factories.customers import AddressFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def test_address_book_for_lists_only_the_users_addresses_default_first():
    """``address_book_for(user)`` is that user's addresses, the default first, each with is_default."""
    user = UserFactory()
    alpha = AddressFactory(user=user, name="Alpha")
    zulu = AddressFactory(user=user, name="Zulu")
    AddressFactory(name="Stranger")
    set_default_address(user, zulu)

    book = list(address_book_for(user))
    assert book == [zulu, alpha]
    assert [address.is_default for address in book] == [True, False]


def test_address_book_without_a_default_is_alphabetical():
    """With no default chosen, addresses come by name and none is marked default."""
    user = UserFactory()
    zulu = AddressFactory(user=user, name="Zulu")
    alpha = AddressFactory(user=user, name="Alpha")
    book = list(address_book_for(user))
    assert book == [alpha, zulu]
    assert not any(address.is_default for address in book)


def test_address_book_for_an_anonymous_user_is_empty():
    """Anonymous (guest) shoppers have an empty address book, not an error."""
    AddressFactory()
    assert list(address_book_for(AnonymousUser())) == []


def test_address_book_for_is_a_queryset_orders_can_filter():
    """The contract returns a QuerySet (orders may filter it by pk)."""
    address = AddressFactory()
    user = address.customer.user
    assert address_book_for(user).filter(pk=address.pk).get() == address


def test_as_shipping_dict_has_exactly_the_agreed_keys_and_an_iso_country():
    """``as_shipping_dict()`` gives the eight keys orders stores, country as ISO alpha-2."""
    address = AddressFactory(
        name="Cora Cranberry",
        line1="12 Bog Road",
        line2="Apt 2",
        line3="",
        city="Wareham",
        state="MA",
        postal_code="02571",
        country="US",
    )
    assert address.as_shipping_dict() == {
        "name": "Cora Cranberry",
        "line1": "12 Bog Road",
        "line2": "Apt 2",
        "line3": "",
        "city": "Wareham",
        "state": "MA",
        "postal_code": "02571",
        "country": "US",
    }
    foreign = AddressFactory(country="DE", state="Bayern", postal_code="80331")
    assert foreign.as_shipping_dict()["country"] == "DE"


def test_services_refuse_another_customers_address():
    """Default, delete and save refuse an address from another book."""
    owner, intruder = UserFactory(), UserFactory()
    address = AddressFactory(user=owner)
    for operation in (set_default_address, delete_address, save_address):
        with pytest.raises(NotYourAddress):
            operation(intruder, address)
    assert CustomerAddress.objects.filter(pk=address.pk).exists()
    assert customer_for(intruder).default_address is None


def test_model_validation_rejects_a_bad_us_state_and_zip():
    """Model validation (admin too) checks US states and ZIP codes."""
    address = AddressFactory.build(customer=customer_for(UserFactory()), state="XX", postal_code="123")
    with pytest.raises(ValidationError) as error:
        address.full_clean()
    assert set(error.value.message_dict) == {"state", "postal_code"}


def test_default_address_must_belong_to_the_customer():
    """A customer's default address cannot be another customer's address."""
    customer = customer_for(UserFactory())
    customer.default_address = AddressFactory()
    with pytest.raises(ValidationError):
        customer.full_clean()


def test_deleting_a_user_deletes_their_profile_and_addresses():
    """Profile and address book go with the user."""
    address = AddressFactory()
    address.customer.user.delete()
    assert not CustomerAddress.objects.exists()
