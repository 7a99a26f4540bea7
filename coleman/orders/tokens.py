"""The one-time checkout token: a double-submitted "Place order" places one order.

A checkout page puts this session's token in its form; ``make_order_from_cart`` stores it on
the order (``Order.checkout_token``), so the same form posted again finds the order it made
instead of making another. Any checkout view (the payments app's is the store's) uses these
functions.

A token is a part that looks random and a MAC of it with the session's key, so a repeated POST
can prove it comes from the browser that placed the order (:func:`token_belongs_to`) even
before the first request has saved the session; a token copied into another browser proves
nothing. The token is not stored: it is worked out from the session's key and a random
"generation" the session keeps (none until the first order), so showing a checkout page writes
nothing to the session; placing an order draws a new generation (:func:`forget_checkout_token`,
in the session write that placing makes anyway), which retires the token.
"""

import base64
import hmac
import secrets

from django.utils.crypto import salted_hmac

#: The session's checkout generation: a random string drawn each time an order is placed.
CHECKOUT_TOKEN_KEY = "coleman_checkout_generation"  # noqa: S105 - a session key name, not a secret


def _session_mac(session_key, random_part) -> str:
    digest = salted_hmac("coleman.orders.checkout_token", f"{session_key}:{random_part}", algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()[:16]).decode().rstrip("=")


def checkout_token(request) -> str:
    """This session's checkout token: the same until an order is placed with it, then a new one.

    Worked out, not stored (the session is written only when it has no key yet)."""
    if request.session.session_key is None:
        request.session.save()  # a key to bind the token to
    session_key = request.session.session_key
    generation = request.session.get(CHECKOUT_TOKEN_KEY)
    random_part = _session_mac(session_key, f"generation:{generation if isinstance(generation, str) else ''}")
    return f"{random_part}.{_session_mac(session_key, random_part)}"


def token_belongs_to(request, token) -> bool:
    """True when ``token`` was made for this browser's session (compared in constant time)."""
    random_part, _dot, mac = str(token).partition(".")
    session_key = request.session.session_key
    if not (random_part and mac and session_key):
        return False
    return hmac.compare_digest(mac.encode(), _session_mac(session_key, random_part).encode())


def is_current_token(request, token) -> bool:
    """True when ``token`` is this session's checkout token (compared in constant time)."""
    return hmac.compare_digest(str(token).encode(), checkout_token(request).encode())


def forget_checkout_token(request) -> None:
    """Retire the session's token once its order is placed: a new random generation, so the
    next checkout page gets a token never used before."""
    request.session[CHECKOUT_TOKEN_KEY] = secrets.token_urlsafe(16)


__all__ = ["CHECKOUT_TOKEN_KEY", "checkout_token", "forget_checkout_token", "is_current_token", "token_belongs_to"]
