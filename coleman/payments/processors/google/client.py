"""Google Checkout's Order Processing API over HTTP.

Commands are POSTed to ``<API base>request/Merchant/<merchant id>`` with HTTP Basic auth
(merchant id and key) and, when configured, the merchant's client certificate. The API is not
idempotent (a second ``charge-order`` is a second request), so the session retries only
connections that never opened.
"""

from ...exceptions import GatewayRefused
from .protocol import parse_api_response

XML_HEADERS = {
    "Content-Type": "application/xml; charset=UTF-8",
    "Accept": "application/xml; charset=UTF-8",
}


class OrderProcessingClient:
    """Sends Order Processing API commands for one merchant account over ``session``."""

    def __init__(self, session, *, api_base, merchant_id, merchant_key):
        self.session = session
        self.api_base = api_base
        self.merchant_id = str(merchant_id)
        self.merchant_key = merchant_key

    @property
    def url(self):
        """The merchant's request endpoint."""
        return f"{self.api_base}request/Merchant/{self.merchant_id}"

    def send(self, document: bytes) -> str:
        """Post ``document``; returns Google's serial number or raises a ``GatewayError``."""
        response = self.session.post(
            self.url, data=document, auth=(self.merchant_id, self.merchant_key), headers=XML_HEADERS
        )
        if response.status_code == 401:
            raise GatewayRefused("Google refused the merchant id or key.", code="401")
        return parse_api_response(response.content)


__all__ = ["OrderProcessingClient"]
