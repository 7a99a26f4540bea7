"""Errors raised by the order services; ``str(error)`` is a message fit for the customer."""


class OrderError(Exception):
    """Base class of every orders error."""


class CheckoutError(OrderError):
    """Placing an order failed; nothing was written and the cart is unchanged."""


class EmptyCart(CheckoutError):
    """There is nothing in the cart to order."""


class ProductUnavailable(CheckoutError):
    """A product in the cart was deleted or discontinued before the order was placed."""


class InsufficientStock(CheckoutError):
    """Another shopper bought the last units first: not enough stock for a line."""


class DuplicateCheckout(CheckoutError):
    """This checkout was already placed (a double-submitted "Place order").

    ``order`` is the order the first submission created.
    """

    def __init__(self, message, order=None):
        super().__init__(message)
        self.order = order


class VoucherRejected(CheckoutError):
    """The cart's voucher cannot be used (expired, used up meanwhile, below its minimum)."""


class IllegalTransition(OrderError):
    """A status change the pipeline does not allow (see ``statuses.TRANSITIONS``)."""


class InvalidShippingDetails(CheckoutError):
    """The email or shipping address given for the order is incomplete."""
