"""Signals of the products app.

``stock_released(sender=Product, product_ids)``: units were put back on the tracked stock of
these products by a bulk UPDATE, which sends no ``post_save`` (an order's reserved stock
released on cancellation). Sent inside the transaction that changed the stock: a receiver that
acts on the new stock (the back-in-stock alerts) waits for ``transaction.on_commit``.
"""

from django.dispatch import Signal

stock_released = Signal()
