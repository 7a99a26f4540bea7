"""AWS Signature Version 2 (HmacSHA256), as the store signs its CBUI and FPS requests.

The string to sign is ``VERB\\nhost\\npath\\nsorted-query`` (:func:`string_to_sign`); the
signature is the base64 of the raw HMAC-SHA256 digest under the secret key (the book's S3
code base64-encoded a hex digest, which AWS refuses). Tested against AWS's published example.
"""

import base64
import hashlib
import hmac
from urllib.parse import quote, urlsplit

# Parameter names that carry the signature itself and are never part of the signed string.
SIGNATURE_PARAMS = frozenset({"signature", "Signature"})


def aws_quote(value) -> str:
    """Percent-encode ``value`` as AWS requires: RFC 3986, only ``A-Za-z0-9-_.~`` left as is.

    UTF-8 first, spaces become ``%20`` (never ``+``), ``/`` and ``*`` are encoded.
    """
    return quote(str(value).encode("utf-8"), safe="-_.~")


def canonical_query_string(params) -> str:
    """The sorted, encoded ``name=value&…`` string of every parameter except the signature.

    AWS sorts by parameter name in byte order (so ``AWSAccessKeyId`` sorts before ``Action``
    and every upper-case name before every lower-case one).
    """
    pairs = sorted(
        (aws_quote(name), aws_quote(value)) for name, value in params.items() if name not in SIGNATURE_PARAMS
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def string_to_sign(method, host, path, params) -> str:
    """AWS's StringToSign: verb, lower-cased host, path (``/`` when empty) and the canonical query."""
    return "\n".join([method.upper(), host.lower(), path or "/", canonical_query_string(params)])


def sign(secret_key, method, host, path, params) -> str:
    """The base64 HMAC-SHA256 signature of ``params`` for a request to ``host`` + ``path``."""
    message = string_to_sign(method, host, path, params).encode("utf-8")
    digest = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_is_valid(secret_key, method, host, path, params, signature) -> bool:
    """True when ``signature`` is the right one for ``params`` (constant-time comparison)."""
    if not signature:
        return False
    expected = sign(secret_key, method, host, path, params)
    return hmac.compare_digest(expected.encode("ascii"), str(signature).encode("utf-8", "replace"))


def split_endpoint(url):
    """``(host, path)`` of an endpoint URL as they enter the string to sign (host with any port)."""
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path or "/"


def signed_url(endpoint, params, secret_key, *, signature_name="signature") -> str:
    """``endpoint?query`` with ``params`` signed for a GET to that endpoint."""
    host, path = split_endpoint(endpoint)
    signed = dict(params)
    signed[signature_name] = sign(secret_key, "GET", host, path, params)
    query = "&".join(f"{aws_quote(k)}={aws_quote(v)}" for k, v in sorted(signed.items()))
    return f"{endpoint}?{query}"


def sign_fps_parameters(endpoint, params, secret_key, method="GET"):
    """``params`` plus their ``Signature`` for a request to the FPS ``endpoint``."""
    host, path = split_endpoint(endpoint)
    return {**params, "Signature": sign(secret_key, method, host, path, params)}


__all__ = [
    "SIGNATURE_PARAMS",
    "aws_quote",
    "canonical_query_string",
    "sign",
    "sign_fps_parameters",
    "signature_is_valid",
    "signed_url",
    "split_endpoint",
    "string_to_sign",
]
