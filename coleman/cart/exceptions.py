"""Errors raised by the cart; each carries a message fit to show the shopper."""


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
