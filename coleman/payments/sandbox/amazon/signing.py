"""The sandbox's own signatures, apart from the store's code: AWS Signature Version 2 both ways.

* Inbound (the merchant signs, Amazon checks): HMAC-SHA256 under the merchant's secret key
  (:func:`aws_signature`, tested against AWS's published example).
* Outbound (Amazon signs its returns and IPNs, anyone checks): RSA-SHA1 with Amazon's private
  key over the same canonical string, with ``signatureMethod=RSA-SHA1``,
  ``signatureVersion=2`` and the ``certificateUrl`` of the public certificate
  (:func:`sign_outbound`, :func:`verify_outbound`). The sandbox's key pair is made with
  ``cryptography`` once per process and its self-signed certificate is served at
  ``/sandbox/amazon/certs/sandbox/PKICert.pem``; the dev server is one process, so the key
  that signed a return is the key that verifies it.
"""

import base64
import hashlib
import hmac
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

HMAC_SHA256 = "HmacSHA256"
RSA_SHA1 = "RSA-SHA1"
_key_lock = threading.Lock()
_key_pair = {}


def canonical_string(method, host, path_, params):
    """``METHOD\\nhost\\npath\\nquery``: every parameter but the signature, RFC 3986-encoded, sorted by name."""
    encoded = {quote(str(k), safe="-_.~"): quote(str(v), safe="-_.~") for k, v in params.items()}
    query = "&".join(f"{k}={encoded[k]}" for k in sorted(encoded) if k.lower() != "signature")
    return "\n".join((method.upper(), host.lower(), path_ or "/", query))


def aws_signature(secret, method, host, path_, params):
    """AWS Signature Version 2 as Amazon documented it, written here apart from the store's code.

    HMAC-SHA256 under the secret key of :func:`canonical_string`; the digest is base64-encoded.
    """
    message = canonical_string(method, host, path_, params)
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_by(secret, method, host, path_, params, signature):
    """True when ``signature`` is ``params``' Signature Version 2 under ``secret`` (constant time)."""
    expected = aws_signature(secret, method, host, path_, params)
    return bool(signature) and hmac.compare_digest(expected.encode(), str(signature).encode("utf-8", "replace"))


def key_pair():
    """``(private key, certificate PEM bytes)`` of the sandbox's Amazon, made on first use."""
    with _key_lock:
        if not _key_pair:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Coleman gateway sandbox: Amazon FPS")])
            now = datetime.now(UTC)
            certificate = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=365))
                .sign(key, hashes.SHA256())
            )
            _key_pair["key"] = key
            _key_pair["pem"] = certificate.public_bytes(serialization.Encoding.PEM)
        return _key_pair["key"], _key_pair["pem"]


def sign_outbound(method, url, params):
    """The base64 RSA-SHA1 signature of ``params`` sent with ``method`` to ``url`` (a return or an IPN)."""
    parts = urlsplit(url)
    message = canonical_string(method, parts.netloc, parts.path, params).encode("utf-8")
    key, _ = key_pair()
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA1())).decode("ascii")  # noqa: S303 - FPS's RSA-SHA1


def outbound_signed(params, *, method, url, certificate_url):
    """``params`` plus Amazon's outbound signature fields (``certificateUrl`` is signed with the rest)."""
    signed = {**params, "signatureMethod": RSA_SHA1, "signatureVersion": "2", "certificateUrl": certificate_url}
    signed["signature"] = sign_outbound(method, url, signed)
    return signed


def verify_outbound(method, url, params):
    """True when ``params`` carry this sandbox's RSA-SHA1 signature for ``method`` to ``url``."""
    if params.get("signatureMethod") != RSA_SHA1 or params.get("signatureVersion") != "2":
        return False
    try:
        signature = base64.b64decode(params.get("signature", ""), validate=True)
    except ValueError:
        return False
    parts = urlsplit(url)
    message = canonical_string(method, parts.netloc, parts.path, params).encode("utf-8")
    key, _ = key_pair()
    try:
        key.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except InvalidSignature:
        return False
    return True


__all__ = [
    "HMAC_SHA256",
    "RSA_SHA1",
    "aws_signature",
    "canonical_string",
    "key_pair",
    "outbound_signed",
    "sign_outbound",
    "signed_by",
    "verify_outbound",
]
