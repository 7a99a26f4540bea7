"""The order pipeline in one place: its statuses, what each means, and where each may lead.

``Status`` names the steps (``Status.PAID``); ``StatusCode`` rows in the database carry the
names staff may edit, seeded from :data:`STATUS_DESCRIPTIONS`. Only
:func:`coleman.orders.services.transition` moves an order, and only along
:data:`TRANSITIONS`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Short names of the pipeline's statuses (the rows live in ``StatusCode``)."""

    NEW = "NEW", _("Awaiting Payment")
    NEW_CHKOUT = "NEW_CHKOUT", _("Checking Out")
    PAID = "PAID", _("Payment Received")
    SHIPPED = "SHIPPED", _("Shipped")
    CLOSED = "CLOSED", _("Closed")
    EXCEPTION = "EXCEPTION", _("Needs Attention")
    CANCELLED = "CANCELLED", _("Cancelled")

    @classmethod
    def label_for(cls, short_name):
        """The label of ``short_name``, or the short name itself for a status added by hand."""
        return cls(short_name).label if short_name in cls.values else short_name


#: What each status means, as seeded into ``StatusCode.description``.
STATUS_DESCRIPTIONS = {
    Status.NEW: _("The order was placed and is waiting for the customer's payment."),
    Status.NEW_CHKOUT: _("The customer is paying with the payment service."),
    Status.PAID: _("The payment service confirmed the payment; the order can be shipped."),
    Status.SHIPPED: _("The order left the warehouse; see the tracking number."),
    Status.CLOSED: _("The order was delivered and is complete."),
    Status.EXCEPTION: _("Something went wrong (payment, stock, delivery); staff are on it."),
    Status.CANCELLED: _("The order was cancelled and its stock released."),
}

#: status → the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.NEW_CHKOUT, Status.PAID, Status.EXCEPTION, Status.CANCELLED),
    Status.NEW_CHKOUT: (Status.PAID, Status.EXCEPTION, Status.CANCELLED),
    Status.PAID: (Status.SHIPPED, Status.CLOSED, Status.EXCEPTION, Status.CANCELLED),
    Status.SHIPPED: (Status.CLOSED, Status.EXCEPTION),
    Status.EXCEPTION: (Status.NEW_CHKOUT, Status.PAID, Status.SHIPPED, Status.CLOSED, Status.CANCELLED),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}

#: Statuses waiting for the customer's payment.
UNPAID = frozenset({Status.NEW, Status.NEW_CHKOUT})
#: Statuses in which the money has been received.
PAID_OR_LATER = frozenset({Status.PAID, Status.SHIPPED, Status.CLOSED})

#: Statuses the customer is emailed about. NEW_CHKOUT is the internal hand-over to the payment
#: service (the customer is on its page at that moment), so it sends nothing.
CUSTOMER_EMAIL_STATUSES = frozenset(
    {Status.NEW, Status.PAID, Status.SHIPPED, Status.CLOSED, Status.EXCEPTION, Status.CANCELLED}
)

#: Statuses in which the order's reserved stock goes back on the shelf.
RELEASES_STOCK = frozenset({Status.CANCELLED})


def status_code_rows():
    """``(short_name, name, description)`` of every status, for seeding ``StatusCode``."""
    return [(status.value, status.label, STATUS_DESCRIPTIONS[status]) for status in Status]


__all__ = [
    "CUSTOMER_EMAIL_STATUSES",
    "PAID_OR_LATER",
    "RELEASES_STOCK",
    "STATUS_DESCRIPTIONS",
    "TRANSITIONS",
    "UNPAID",
    "Status",
    "status_code_rows",
]
