"""The Amazon FPS API over HTTP: signed ``Pay`` and ``Refund`` requests.

Each request is a form-encoded POST signed with Signature Version 2. FPS treats a request
sent again with the same ``CallerReference`` and parameters as the same request (it answers
the first transaction), so the processor gives this client an idempotent session: a request
whose answer was lost, or that met a 5xx, is re-sent unchanged. FPS answers refusals with 4xx
and an error document, which :func:`~.protocol.parse_transaction_response` raises as
:class:`~.protocol.AmazonResponseError`.
"""

from .protocol import (
    PayResult,
    encode_form,
    parse_transaction_response,
    pay_parameters,
    refund_parameters,
    sign_fps_parameters,
)

FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


class FpsClient:
    """Calls the FPS API at ``endpoint`` over ``session`` with the merchant's access and secret keys."""

    def __init__(self, session, *, endpoint, access_key, secret_key):
        self.session = session
        self.endpoint = endpoint
        self.access_key = access_key
        self.secret_key = secret_key

    def call(self, action, params):
        """POST ``params`` signed for the endpoint; return the parsed ``<action>Response``."""
        body = encode_form(sign_fps_parameters(self.endpoint, params, self.secret_key, method="POST"))
        response = self.session.post(self.endpoint, data=body.encode("utf-8"), headers=FORM_HEADERS)
        return parse_transaction_response(response.content, action)

    def pay(self, *, sender_token_id, amount, caller_reference, currency="USD") -> PayResult:
        """Charge ``amount`` to the shopper's token (``Pay``)."""
        return self.call(
            "Pay",
            pay_parameters(
                access_key=self.access_key,
                sender_token_id=sender_token_id,
                amount=amount,
                caller_reference=caller_reference,
                currency=currency,
            ),
        )

    def refund(self, *, transaction_id, amount, caller_reference, currency="USD") -> PayResult:
        """Refund ``amount`` of a completed Pay transaction (``Refund``)."""
        return self.call(
            "Refund",
            refund_parameters(
                access_key=self.access_key,
                transaction_id=transaction_id,
                amount=amount,
                caller_reference=caller_reference,
                currency=currency,
            ),
        )


__all__ = ["FpsClient"]
