"""Business operations on customers and their address books.

Views stay thin and call these. Other apps never import this app: the orders app's checkout
reaches :func:`shipping_addresses_for` through its ``COLEMAN_ORDERS_ADDRESS_BOOK`` hook (a
dotted path it imports only while ``coleman.customers`` is installed).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.addresses import ADDRESS_FIELDS

from .exceptions import AddressBookFull, NotYourAddress
from .models import Customer, CustomerAddress


def customer_for(user):
    """Return the ``Customer`` profile of ``user``, creating it if it is missing.

    Safe under concurrency: ``get_or_create`` retries the read when a parallel request
    created the row first (the one-to-one is unique in the database).
    """
    customer, _created = Customer.objects.get_or_create(user=user)
    return customer


def unactivated_accounts():
    """Users who registered, never activated, and whose activation link has expired.

    Staff accounts and accounts that were ever used are never included.
    """
    cutoff = timezone.now() - timedelta(days=settings.ACCOUNT_ACTIVATION_DAYS)
    return get_user_model()._default_manager.filter(
        is_active=False, is_staff=False, is_superuser=False, last_login__isnull=True, date_joined__lt=cutoff
    )


def address_book_for(user):
    """The ``CustomerAddress`` entries of ``user``, default address first (contract).

    An anonymous user has an empty address book. Each address carries ``is_default``.
    """
    return CustomerAddress.objects.owned_by(user).default_first()


def shipping_addresses_for(user) -> list[dict]:
    """The address book of ``user`` as plain dicts, default first (the orders checkout hook).

    Each is ``CustomerAddress.as_shipping_dict()`` plus ``"id"`` (the address's key) and
    ``"is_default"``; one query.
    """
    return [
        {"id": address.pk, "is_default": address.is_default, **address.as_shipping_dict()}
        for address in address_book_for(user)
    ]


@transaction.atomic
def save_address(user, address, *, make_default=False):
    """Save ``address`` (new or edited) in the address book of ``user``.

    A new address is refused with :class:`AddressBookFull` beyond
    ``COLEMAN_CUSTOMERS_MAX_ADDRESSES``. The first address of a book, or any address with
    ``make_default``, becomes the default shipping address.
    """
    # Lock the profile row so parallel adds cannot exceed the limit.
    customer = Customer.objects.select_for_update().get(pk=customer_for(user).pk)
    if address.pk is None:
        if customer.addresses.count() >= coleman_settings.CUSTOMERS_MAX_ADDRESSES:
            raise AddressBookFull(
                _("Your address book is full (%(limit)s addresses). Delete an address before adding another.")
                % {"limit": coleman_settings.CUSTOMERS_MAX_ADDRESSES}
            )
        address.customer = customer
    elif address.customer_id != customer.pk:
        raise NotYourAddress(_("This address belongs to another customer."))
    address.save()
    if make_default or customer.default_address_id is None:
        customer.default_address = address
        customer.save(update_fields=["default_address", "updated"])
    return address


def save_shipping_address(user, address: dict):
    """Add ``address`` (a dict of the address fields, as checkout gives it) to ``user``'s
    address book (the orders checkout hook for "Save this address"); the new
    ``CustomerAddress``, or None when the book is full."""
    entry = CustomerAddress(**{field: address.get(field) or "" for field in ADDRESS_FIELDS})
    try:
        return save_address(user, entry)
    except AddressBookFull:
        return None


@transaction.atomic
def set_default_address(user, address):
    """Make ``address`` (one of ``user``'s own) the default shipping address."""
    customer = customer_for(user)
    if address.customer_id != customer.pk:
        raise NotYourAddress(_("This address belongs to another customer."))
    customer.default_address = address
    customer.save(update_fields=["default_address", "updated"])
    return customer


@transaction.atomic
def delete_address(user, address):
    """Delete ``address`` from ``user``'s address book.

    Deleting the default address leaves the customer without a default until they choose
    another one (the foreign key is set to NULL by the database layer).
    """
    customer = customer_for(user)
    if address.customer_id != customer.pk:
        raise NotYourAddress(_("This address belongs to another customer."))
    address.delete()


@transaction.atomic
def update_profile(user, *, first_name, last_name, email, phone_number):
    """Save the name and email of ``user`` and the phone number of their profile together."""
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.save(update_fields=["first_name", "last_name", "email"])
    customer = customer_for(user)
    customer.phone_number = phone_number
    customer.save(update_fields=["phone_number", "updated"])
    return customer
