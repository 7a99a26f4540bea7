"""CSRF tokens for pages served from the cache, made with one read of the random source.

Django's ``get_token`` masks the CSRF secret with 32 characters drawn one by one with
``secrets.choice`` (a read of the system's random source each), and a first visit draws 32
more for the secret itself: about 0.1 ms per page, which is a tenth of a page served whole
from the cache. :func:`masked_csrf_token` gives the same token, in the same format, from one
``os.urandom`` read: uniform characters (bytes from 248 up are dropped, so every one of the
62 characters is equally likely) and a new mask on every call, as BREACH protection asks.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
# The largest multiple of len(CSRF_ALLOWED_CHARS) that fits in a byte: bytes below it map
# onto the characters without bias.
_UNBIASED_BYTES = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def random_csrf_chars(length: int) -> str:
    """``length`` characters drawn uniformly from Django's CSRF alphabet."""
    chars = []
    while len(chars) < length:
        chars += [
            CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]
            for byte in os.urandom(length + 8)
            if byte < _UNBIASED_BYTES
        ]
    return "".join(chars[:length])


def masked_csrf_token(request) -> str:
    """The CSRF token for a form on ``request``'s page, as ``django.middleware.csrf.get_token``
    returns it: the request's secret (a new one, with its cookie, on a first visit) masked
    with fresh random characters."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = random_csrf_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    # The middleware sends (or renews) the cookie when a page used the token.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_csrf_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[secret_char] + _CHAR_INDEX[mask_char]) % size]
        for secret_char, mask_char in zip(secret, mask, strict=True)
    )
    return mask + cipher
