"""Errors raised by the cart; each carries a message fit to show the shopper."""

from django.utils.translation import gettext as _


class CartError(Exception):
    """Base class of every cart error; ``str(error)`` is a shopper-facing message."""


class InvalidQuantity(CartError):
    """A quantity that is not a whole number between 1 and the store's maximum."""


class UnknownItem(CartError):
    """An item id that names no line of this cart."""


class OutOfStock(CartError):
    """More units asked for than the store has in stock (or the product is unavailable)."""


class CartFull(CartError):
    """A new line would pass ``COLEMAN_CART_MAX_LINES``."""


class InvalidQuantities(CartError):
    """Some of the quantities of a cart update are bad; ``item_errors`` maps item ids to messages."""

    def __init__(self, item_errors):
        super().__init__(_("Your cart was not updated: please correct the quantities below."))
        self.item_errors = dict(item_errors)


class UnknownVariant(CartError):
    """A variant that is not one of the product's (or none chosen where one must be)."""
