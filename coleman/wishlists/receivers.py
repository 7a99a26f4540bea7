"""Signal receivers: a product saved in stock, or given back stock by a cancelled order,
sends the waiting back-in-stock alerts.

The task is enqueued only after the product's transaction commits (``transaction.on_commit``),
so nobody is emailed about stock that was rolled back, and only when someone is waiting.
Sending claims the alerts (:func:`.services.send_waiting_alerts`), so two stock changes in
one transaction, or two tasks, still email each shopper once.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from coleman.products.models import Product
from coleman.products.signals import stock_released

from .models import StockAlert
from .tasks import send_stock_alerts


def enqueue_if_waiting(product_id):
    """Enqueue the alerts task for ``product_id`` when some alert is waiting for it."""
    if StockAlert.objects.waiting().filter(product_id=product_id).exists():
        send_stock_alerts.enqueue(product_id=product_id)


@receiver(post_save, sender=Product, dispatch_uid="coleman.wishlists.product_back_in_stock")
def product_saved(sender, instance, using=None, raw=False, **kwargs):
    """After a product is saved active with stock, send its waiting alerts once the save commits."""
    if raw or not instance.is_active or not instance.in_stock:
        return
    transaction.on_commit(partial(enqueue_if_waiting, instance.pk), using=using)


@receiver(stock_released, sender=Product, dispatch_uid="coleman.wishlists.stock_released")
def stock_put_back(sender, product_ids, **kwargs):
    """After a cancelled order's stock is put back (a bulk UPDATE: no ``post_save``), send the
    alerts of those products once the change commits; :func:`enqueue_if_waiting` and the task
    check that the product is active and in stock then."""
    for product_id in product_ids:
        transaction.on_commit(partial(enqueue_if_waiting, product_id))
