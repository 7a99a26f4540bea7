"""Amazon Flexible Payments Service through the Co-Branded UI: one package, the same parts as
every gateway, and a few more because FPS is large.

``signature`` (Signature Version 2), ``protocol`` (CBUI and FPS requests, parsers: pure
functions), ``returns`` (Amazon-signed returns and IPNs), ``aggregated`` (prepaid and postpaid
pipelines and actions), ``errors`` (FPS error codes: decline, retry, error), ``client`` (the FPS
API over HTTP), ``instruments`` (aggregated payments in the store), ``processor``
(:class:`AmazonFPS`), ``views`` (the shopper's returns, IPNs, the account page's setup forms).
``COLEMAN_PAYMENTS_PROCESSORS`` names it ``coleman.payments.processors.amazon.AmazonFPS``.
"""

from .processor import AmazonFPS

__all__ = ["AmazonFPS"]
