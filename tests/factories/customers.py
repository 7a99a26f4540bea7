"""factory_boy factories for the customers app: address book entries."""

import factory

from coleman.customers.models import CustomerAddress
from coleman.customers.services import customer_for

from .users import UserFactory


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
