"""Errors raised by the wishlists app; each carries a message fit to show the shopper and the
HTTP status a view answers with."""


class WishlistError(Exception):
    """Base class of the app's errors; ``str(error)`` is a shopper-facing message."""

    status_code = 400


class NotFound(WishlistError):
    """An unknown product, or a list or item that is not the shopper's."""

    status_code = 404


class LimitReached(WishlistError):
    """Too many lists, or too many products on one list."""


class NameTaken(WishlistError):
    """The shopper already has a list of that name."""


class BadToken(WishlistError):
    """A confirmation link that is malformed, tampered with or expired."""
