"""Amazon Flexible Payments Service through the Co-Branded UI: one package, the same parts as
every gateway.

``protocol`` (Signature Version 2, CBUI and FPS requests, parsers: pure functions), ``client``
(the FPS API over HTTP), ``processor`` (:class:`AmazonFPS`), ``views`` (the shopper's return
from Amazon). ``COLEMAN_PAYMENTS_PROCESSORS`` names it ``coleman.payments.processors.amazon.AmazonFPS``.
"""

from .processor import AmazonFPS

__all__ = ["AmazonFPS"]
