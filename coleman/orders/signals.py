"""Signals of the orders app, sent after the database transaction commits.

``order_placed(sender=Order, order)``: a NEW order was created from a cart.
``order_status_changed(sender=Order, order, from_status, to_status, change)``: an order moved
along the pipeline; ``from_status``/``to_status`` are short names ("PAID"), ``change`` is the
``OrderStatusChange`` history row.
"""

from django.dispatch import Signal

order_placed = Signal()
order_status_changed = Signal()
