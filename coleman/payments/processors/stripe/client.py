"""Stripe's API over HTTP, through the official ``stripe`` library.

The library makes the requests; :func:`stripe_client` hands it the store's gateway session
(``stripe.RequestsClient(session=…)``), so timeouts, retries and the transports mounted by
``COLEMAN_PAYMENTS_HTTP_ADAPTERS`` are the same as for every gateway, and the API base
(``base_addresses``) comes from the settings. Every POST carries an ``Idempotency-Key`` we
choose, which is what makes re-sending one safe: Stripe answers a repeated key with the first
answer. The library's own retries are off (the session retries). Its errors become the
payments app's ``GatewayError`` family.
"""

import stripe

from ...exceptions import GatewayRefused, GatewayResponseError, GatewayUnavailable

# The library would otherwise store a telemetry id under ~/.config/stripe on every app server and
# report the platform in each request's user agent.
stripe.enable_telemetry = False


def stripe_client(session, *, api_key, api_base, timeout) -> stripe.StripeClient:
    """A ``StripeClient`` that sends its requests over ``session`` to ``api_base``."""
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base.rstrip("/")},
        http_client=stripe.RequestsClient(timeout=timeout, session=session),
        max_network_retries=0,
    )


def gateway_error(exc: stripe.StripeError):
    """The payments app's error for a library error (connection, Stripe's refusal, bad answer)."""
    if isinstance(exc, stripe.APIConnectionError):
        return GatewayUnavailable(f"Stripe could not be reached: {exc.user_message or exc}")
    if isinstance(exc, stripe.APIError) and (exc.http_status or 0) >= 500:
        return GatewayUnavailable(f"Stripe answered HTTP {exc.http_status}.", status_code=exc.http_status)
    if exc.http_status is None:
        return GatewayResponseError(f"Stripe's answer could not be read: {exc}")
    error = exc.error
    code = (getattr(error, "code", None) or getattr(error, "type", None) or type(exc).__name__) if error else ""
    message = exc.user_message or str(exc)
    return GatewayRefused(f"Stripe refused the request ({exc.http_status}): {message}", code=code, detail=message)


class StripeCheckoutClient:
    """The two calls the store makes: create a Checkout Session, refund a PaymentIntent."""

    def __init__(self, client: stripe.StripeClient):
        self.client = client

    def create_checkout_session(self, params, *, idempotency_key):
        """``POST /v1/checkout/sessions``; returns the session as a dict (id, url, amount_total…)."""
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise gateway_error(exc) from exc
        data = session.to_dict()
        if data.get("object") != "checkout.session" or not data.get("id") or not data.get("url"):
            raise GatewayResponseError("Stripe answered without a Checkout Session id and url.")
        return data

    def refund(self, *, payment_intent, amount=None, idempotency_key, metadata=None):
        """``POST /v1/refunds`` of ``amount`` (minor units; None: all) of ``payment_intent``; the refund as a dict."""
        params = {"payment_intent": payment_intent, "metadata": metadata or {}}
        if amount is not None:
            params["amount"] = amount
        try:
            refund = self.client.v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise gateway_error(exc) from exc
        data = refund.to_dict()
        if data.get("object") != "refund" or not data.get("id"):
            raise GatewayResponseError("Stripe answered without a refund id.")
        return data


__all__ = ["StripeCheckoutClient", "gateway_error", "stripe_client"]
