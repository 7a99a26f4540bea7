"""Signal receivers: paid orders open their digital purchases, cancelled or refunded ones lose them."""

import logging

from django.apps import apps
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import post_save
from django.dispatch import receiver

from coleman.orders.signals import order_status_changed
from coleman.orders.statuses import PAID_OR_LATER, Status

from . import services

logger = logging.getLogger("coleman.digital")


@receiver(order_status_changed, dispatch_uid="coleman.digital.order_status_changed")
def order_moved(sender, order, from_status, to_status, **kwargs):
    """Grant (once) when an order becomes paid; revoke when it is cancelled.

    Sent after commit, so a failure here cannot undo the payment; it is logged, and the order
    page and paid-order email grant again on their first use.
    """
    try:
        if to_status in PAID_OR_LATER:
            services.grant_for_order(order)
        elif to_status == Status.CANCELLED:
            services.revoke_for_order(order, "Order cancelled.")
    except Exception:
        logger.exception("digital: could not update the purchases of order %s (%s)", order.number, to_status)


def refund_recorded(sender, instance, **kwargs):
    """A successful refund that brings an order's refunds to its total withdraws its purchases."""
    if instance.kind != "refund" or instance.status != "succeeded" or not instance.order_id:
        return
    order = instance.order

    def revoke_if_fully_refunded():
        refunded = (
            sender.objects.filter(order=order, kind="refund", status="succeeded").aggregate(total=Sum("amount"))[
                "total"
            ]
            or 0
        )
        if refunded >= order.total:
            services.revoke_for_order(order, "Order refunded.")

    transaction.on_commit(revoke_if_fully_refunded)


if apps.is_installed("coleman.payments"):
    post_save.connect(
        refund_recorded, sender="payments.PaymentTransaction", dispatch_uid="coleman.digital.refund_recorded"
    )
