"""Stripe Checkout with signed webhooks: one package, the same parts as every gateway.

``protocol`` (the Checkout Session parameters, amounts in minor units, the webhook check by the
``stripe`` library: pure functions), ``client`` (the API through the ``stripe`` library over the
store's gateway session), ``processor`` (:class:`StripeCheckout`), ``views`` (cancel, webhook).
``COLEMAN_PAYMENTS_PROCESSORS`` names it ``coleman.payments.processors.stripe.StripeCheckout``.
"""

from .processor import StripeCheckout

__all__ = ["StripeCheckout"]
