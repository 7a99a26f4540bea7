"""Google Checkout (XML API version 2): one package, the same parts as every gateway.

``protocol`` (signatures, documents, parsers: pure functions), ``client`` (the Order
Processing API over HTTP), ``processor`` (:class:`GoogleCheckout`), ``views`` (the
Notification API endpoint); Google's larger surface adds ``notifications`` (what each
notification does to an order) and ``buy_it_now`` (orders that start on a product page).

``COLEMAN_PAYMENTS_PROCESSORS`` names it ``coleman.payments.processors.google.GoogleCheckout``.
"""

from .processor import GoogleCheckout

__all__ = ["GoogleCheckout"]
