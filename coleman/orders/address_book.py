"""The saved addresses checkout offers a signed-in shopper: the hook to an address book.

The orders app and the customers app meet only at ``settings.AUTH_USER_MODEL``; orders never
imports customers. Checkout reads a shopper's saved addresses through one setting,
``COLEMAN_ORDERS_ADDRESS_BOOK``, the dotted path of a callable::

    def shipping_addresses_for(user) -> Iterable[dict]: ...

that returns the user's addresses, the default first, each a dict with an ``"id"`` (unique
within the user's book; its ``str()`` is the form's choice value) and the eight keys of
:data:`coleman.core.addresses.ADDRESS_FIELDS` (``name``, ``line1``, ``line2``, ``line3``,
``city``, ``state``, ``postal_code``, ``country`` as an ISO code).

- ``None`` (the default) means the customers app's address book,
  ``coleman.customers.services.shipping_addresses_for``, when ``coleman.customers`` is in
  ``INSTALLED_APPS``, and no address book when it is not (the path is imported only then);
- a dotted path names any other address book;
- ``""`` offers none.

The setting is read when checkout asks (so ``override_settings`` works) and checked by
``manage.py check`` (``coleman.E045``).
"""

from django.apps import apps
from django.utils.module_loading import import_string

from coleman.conf import coleman_settings

CUSTOMERS_APP = "coleman.customers"
CUSTOMERS_ADDRESS_BOOK = "coleman.customers.services.shipping_addresses_for"
CUSTOMERS_ADDRESS_BOOK_SAVE = "coleman.customers.services.save_shipping_address"


def address_book_path() -> str:
    """The dotted path of the address book in use, or ``""`` when checkout offers none."""
    path = coleman_settings.ORDERS_ADDRESS_BOOK
    if path is None:
        return CUSTOMERS_ADDRESS_BOOK if apps.is_installed(CUSTOMERS_APP) else ""
    return path


def saved_addresses_for(user) -> list[dict]:
    """The saved shipping addresses of ``user`` (default first); empty for guests or without a book."""
    if user is None or not user.is_authenticated:
        return []
    path = address_book_path()
    if not path:
        return []
    return [dict(address) for address in import_string(path)(user)]


def address_book_save_path() -> str:
    """The dotted path of the callable that saves a new address (``COLEMAN_ORDERS_ADDRESS_BOOK_SAVE``),
    or ``""`` when checkout offers no "Save this address"."""
    path = coleman_settings.ORDERS_ADDRESS_BOOK_SAVE
    if path is None:
        return CUSTOMERS_ADDRESS_BOOK_SAVE if address_book_path() == CUSTOMERS_ADDRESS_BOOK else ""
    return path


def can_save_addresses(user) -> bool:
    """Whether checkout may offer ``user`` to save a typed address in their address book."""
    return user is not None and user.is_authenticated and bool(address_book_save_path())


def save_to_address_book(user, address: dict):
    """Save ``address`` (the dict of ``ADDRESS_FIELDS``) in ``user``'s address book; the saved
    entry, or None when the book refuses it (full) or there is none."""
    if not can_save_addresses(user):
        return None
    return import_string(address_book_save_path())(user, address)


__all__ = [
    "address_book_path",
    "address_book_save_path",
    "can_save_addresses",
    "saved_addresses_for",
    "save_to_address_book",
]
