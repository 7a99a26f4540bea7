"""Errors raised by the customers services."""


class CustomerError(Exception):
    """Base class of every error the customers app raises on purpose."""


class AddressBookFull(CustomerError):
    """The customer already keeps as many addresses as ``COLEMAN_CUSTOMERS_MAX_ADDRESSES``."""


class NotYourAddress(CustomerError):
    """The address belongs to another customer."""
