"""The one-time checkout token: a double-submitted "Place order" places one order.

A checkout page puts this session's token in its form; ``make_order_from_cart`` stores it on
the order (``Order.checkout_token``), so the same form posted again finds the order it made
instead of making another. Any checkout view (the payments app's is the store's) uses these
three functions.
"""

import hmac
import secrets

CHECKOUT_TOKEN_KEY = "coleman_checkout_token"  # noqa: S105 - a session key name, not a secret


def checkout_token(request) -> str:
    """This session's checkout token (made on first use, replaced after an order is placed)."""
    token = request.session.get(CHECKOUT_TOKEN_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CHECKOUT_TOKEN_KEY] = token
    return token


def is_current_token(request, token) -> bool:
    """True when ``token`` is this session's checkout token (compared in constant time)."""
    return hmac.compare_digest(str(token).encode(), checkout_token(request).encode())


def forget_checkout_token(request) -> None:
    """Drop the session's token once its order is placed (the next checkout gets a new one)."""
    request.session.pop(CHECKOUT_TOKEN_KEY, None)


__all__ = ["CHECKOUT_TOKEN_KEY", "checkout_token", "forget_checkout_token", "is_current_token"]
