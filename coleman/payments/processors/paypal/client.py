"""PayPal's NVP API and IPN post-back over HTTP.

NVP calls are not idempotent (``SetExpressCheckout`` makes a new token each time), so they go
over a session that re-sends nothing that may have arrived. The IPN post-back only asks a
question, so :func:`verify_ipn` may be given an idempotent session.
"""

from ...exceptions import GatewayResponseError
from .protocol import (
    ACK_SUCCESS,
    NVP_VERSION,
    CheckoutDetails,
    PaymentResult,
    PayPalApiError,
    PayPalMalformed,
    api_errors,
    decode_nvp,
    do_express_checkout_payment_params,
    encode_nvp,
    ipn_postback_body,
    read_ipn_postback_answer,
    set_express_checkout_params,
)

FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


class NvpClient:
    """Calls the NVP API at ``endpoint`` over ``session`` with the merchant's API credentials."""

    def __init__(self, session, *, endpoint, user, password, signature):
        self.session = session
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.signature = signature

    def call(self, params) -> dict:
        """Send one API call; return the decoded answer or raise :class:`PayPalApiError`."""
        method = params.get("METHOD", "?")
        credentials = {"USER": self.user, "PWD": self.password, "SIGNATURE": self.signature, "VERSION": NVP_VERSION}
        body = encode_nvp({**credentials, **params}).encode("utf-8")
        raw = self.session.post(self.endpoint, data=body, headers=FORM_HEADERS).content
        try:
            response = decode_nvp(raw)
        except PayPalMalformed as exc:
            raise GatewayResponseError(f"PayPal answered {method} with something that is not NVP.") from exc
        if response.get("ACK") not in ACK_SUCCESS:
            if "ACK" not in response:
                raise GatewayResponseError(f"PayPal answered {method} without an ACK.")
            raise PayPalApiError(method, api_errors(response), response.get("CORRELATIONID", ""))
        return response

    def set_express_checkout(self, payment, *, return_url, cancel_url, notify_url="") -> str:
        """Start a checkout for ``payment``; return PayPal's token."""
        response = self.call(
            set_express_checkout_params(payment, return_url=return_url, cancel_url=cancel_url, notify_url=notify_url)
        )
        token = response.get("TOKEN", "")
        if not token:
            raise GatewayResponseError("SetExpressCheckout answered without a TOKEN.")
        return token

    def get_express_checkout_details(self, token) -> CheckoutDetails:
        """The buyer and amounts PayPal holds for ``token``."""
        return CheckoutDetails.from_response(self.call({"METHOD": "GetExpressCheckoutDetails", "TOKEN": token}))

    def do_express_checkout_payment(self, *, token, payer_id, payment, notify_url="") -> PaymentResult:
        """Take the payment the buyer approved."""
        response = self.call(
            do_express_checkout_payment_params(token=token, payer_id=payer_id, payment=payment, notify_url=notify_url)
        )
        return PaymentResult.from_response(response)

    def refund_transaction(self, transaction_id) -> dict:
        """Refund a completed transaction in full; return the decoded answer."""
        return self.call({"METHOD": "RefundTransaction", "TRANSACTIONID": transaction_id, "REFUNDTYPE": "Full"})


def verify_ipn(session, raw_body, *, postback_url) -> bool:
    """Ask PayPal whether ``raw_body`` is an IPN it sent: post it back with ``cmd=_notify-validate``.

    The message is posted back byte for byte (PayPal compares it verbatim). Returns True for
    ``VERIFIED``, False for ``INVALID``; anything else raises a ``GatewayError``.
    """
    response = session.post(postback_url, data=ipn_postback_body(raw_body), headers=FORM_HEADERS)
    return read_ipn_postback_answer(response.content)


__all__ = ["NvpClient", "verify_ipn"]
