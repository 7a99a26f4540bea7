"""factory_boy factories for users, customers and addresses."""

import factory
from django.contrib.auth import get_user_model

from coleman.customers.models import CustomerAddress
from coleman.customers.services import customer_for

PASSWORD = "cranberry-sauce-42"


class UserFactory(factory.django.DjangoModelFactory):
    """An active user with a known password (``PASSWORD``); the profile comes from post_save."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    first_name = "Cora"
    last_name = "Cranberry"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)
    is_active = True


class AddressFactory(factory.django.DjangoModelFactory):
    """A US address in the address book of a new (or given) user's customer."""

    class Meta:
        model = CustomerAddress

    class Params:
        user = factory.SubFactory(UserFactory)

    customer = factory.LazyAttribute(lambda address: customer_for(address.user))
    name = "Cora Cranberry"
    line1 = factory.Sequence(lambda n: f"{n} Bog Road")
    line2 = "Apt 2"
    line3 = ""
    city = "Wareham"
    state = "MA"
    postal_code = "02571"
    country = "US"
