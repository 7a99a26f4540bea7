"""PayPal Express Checkout (NVP API) and Instant Payment Notification: one package, the same
parts as every gateway.

``protocol`` (NVP encoding, the calls, IPN: pure functions), ``client`` (the NVP API and the
IPN post-back over HTTP), ``processor`` (:class:`PayPalExpressCheckout`), ``views`` (return,
"Place order", cancel, IPN). ``COLEMAN_PAYMENTS_PROCESSORS`` names it
``coleman.payments.processors.paypal.PayPalExpressCheckout``.
"""

from .processor import PayPalExpressCheckout

__all__ = ["PayPalExpressCheckout"]
