"""Storage of downloadable files, run on both storages: the local private folder and a real
S3-compatible server (s3rver) started by the test session. Upload, download through a link
made at click time, expired links refused, revoked purchases refused."""

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import quote, urlencode

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings as django_settings
from django.urls import reverse

from coleman.digital import services
from coleman.digital.storage import asset_storage, uses_s3
from tests.digital.conftest import S3_BUCKET, S3_KEY
from tests.factories.digital import PDF_BYTES, AssetFactory

pytestmark = pytest.mark.django_db


def click_download(client, entitlement, asset):
    """Press the "Download" button: the store counts it and redirects to a fresh link."""
    return client.post(reverse("digital:download", args=[entitlement.token, asset.pk]))


def fetch(client, link):
    """Follow a download link: this site's signed URL through the test client, S3's over HTTP."""
    if link.startswith("http"):
        response = requests.get(link, timeout=10)
        return response.status_code, response.content, response.headers
    response = client.get(link)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, response.headers


def test_upload_lands_on_private_storage_only(storage_kind, private_storage):
    """A file is stored on the configured private storage and nowhere under MEDIA_ROOT."""
    asset = AssetFactory()
    assert asset.file.name.startswith(f"products/{asset.product.slug}/")
    assert asset_storage.exists(asset.file.name)
    with asset_storage.open(asset.file.name) as stored:
        assert stored.read() == PDF_BYTES
    if storage_kind == "local":
        assert (private_storage / asset.file.name).read_bytes() == PDF_BYTES
        with pytest.raises(NotImplementedError):
            asset.file.url  # noqa: B018 - private files have no URL
    else:
        assert uses_s3()
        assert not private_storage.exists()
    media = django_settings.MEDIA_ROOT
    assert not media.exists() or not list(media.rglob("cookbook*"))


def test_download_through_a_link_made_at_click_time(storage_kind, purchase, client):
    """The button redirects (never cached) to a short-lived link that serves the file as an attachment."""
    entitlement, asset = purchase
    response = click_download(client, entitlement, asset)
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    link = response["Location"]
    if storage_kind == "s3":
        assert link.startswith(django_settings.COLEMAN_DIGITAL_S3_ENDPOINT_URL)
        assert "X-Amz-Expires=300" in link and "X-Amz-Signature=" in link
    else:
        assert link.startswith("/downloads/file/")
    status, body, headers = fetch(client, link)
    assert status == 200 and body == PDF_BYTES
    assert headers["Content-Disposition"] == 'attachment; filename="cookbook.pdf"'
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 1


def test_expired_link_is_refused_and_a_new_one_works(storage_kind, purchase, client, settings):
    """A link past COLEMAN_DIGITAL_LINK_SECONDS is refused by S3 / the store; the download
    button makes a new one for content already bought."""
    settings.COLEMAN_DIGITAL_LINK_SECONDS = 1
    entitlement, asset = purchase
    link = click_download(client, entitlement, asset)["Location"]
    time.sleep(2.2)
    status, body, _headers = fetch(client, link)
    assert status == 403 and body != PDF_BYTES
    if storage_kind == "s3":
        assert b"Request has expired" in body
    settings.COLEMAN_DIGITAL_LINK_SECONDS = 300
    fresh = click_download(client, entitlement, asset)["Location"]
    assert fetch(client, fresh)[:2] == (200, PDF_BYTES)


def test_revoked_purchase_gets_no_link(storage_kind, purchase, client):
    """Once staff revoke a purchase, the button answers 403 and makes no link; a local link made
    before the revocation stops working too."""
    entitlement, asset = purchase
    earlier = click_download(client, entitlement, asset)["Location"]
    services.revoke(entitlement, "chargeback")
    response = click_download(client, entitlement, asset)
    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()
    if storage_kind == "local":
        assert fetch(client, earlier)[0] == 403


def test_s3_refuses_a_tampered_query_string_signature(s3_storage, purchase, client, settings):
    """With the book's query-string authentication (signature version 2), S3 checks the
    signature: the right link works, a tampered one is refused."""
    entitlement, asset = purchase  # uploaded with signature version 4
    settings.COLEMAN_DIGITAL_S3_SIGNATURE_VERSION = "s3"
    link = click_download(client, entitlement, asset)["Location"]
    assert "Signature=" in link and "Expires=" in link and "AWSAccessKeyId=" in link
    assert fetch(client, link)[:2] == (200, PDF_BYTES)
    tampered = re.sub(r"Signature=[^&]+", "Signature=" + quote(base64.b64encode(b"x" * 20).decode(), safe=""), link)
    status, body, _ = fetch(client, tampered)
    assert status == 403 and b"SignatureDoesNotMatch" in body


def book_query_string_url(endpoint, key, expires, *, raw_digest):
    """The book's S3 query-string authentication, by hand: HMAC-SHA1 over the string to sign,
    base64 of the *raw* digest (the book base64-encodes the hexdigest: ``raw_digest=False``)."""
    resource = f"/{S3_BUCKET}/{key}"
    string_to_sign = f"GET\n\n\n{expires}\n{resource}"
    mac = hmac.new(S3_KEY.encode(), string_to_sign.encode(), hashlib.sha1)
    digest = mac.digest() if raw_digest else mac.hexdigest().encode()
    signature = base64.b64encode(digest).decode()
    query = urlencode({"AWSAccessKeyId": S3_KEY, "Expires": expires, "Signature": signature})
    return f"{endpoint}{resource}?{query}"


def test_book_erratum_raw_digest_signature(s3_storage):
    """The S3 signature is base64 of the raw HMAC digest: S3 accepts it and refuses the book's
    base64-of-hexdigest version of the same signature."""
    asset = AssetFactory()
    key = asset_storage._wrapped._normalize_name(asset.file.name)
    expires = int(time.time()) + 120
    good = book_query_string_url(s3_storage, key, expires, raw_digest=True)
    book = book_query_string_url(s3_storage, key, expires, raw_digest=False)
    assert requests.get(good, timeout=10).content == PDF_BYTES
    refused = requests.get(book, timeout=10)
    assert refused.status_code == 403 and b"SignatureDoesNotMatch" in refused.content


def test_cloudfront_signed_url_when_a_distribution_is_configured(s3_storage, purchase, client, settings):
    """With a CloudFront domain and key pair, the link is a CloudFront signed URL (canned
    policy, RSA-SHA1) for the object's key that expires after COLEMAN_DIGITAL_LINK_SECONDS.
    No CloudFront runs here: the signature is verified with the key pair's public half."""
    entitlement, asset = purchase
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.COLEMAN_DIGITAL_CLOUDFRONT_DOMAIN = "d111111abcdef8.cloudfront.net"
    settings.COLEMAN_DIGITAL_CLOUDFRONT_KEY_ID = "K2JCJMDEHXQW5F"
    settings.COLEMAN_DIGITAL_CLOUDFRONT_PRIVATE_KEY = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    before = int(time.time())
    link = click_download(client, entitlement, asset)["Location"]
    resource, _, query = link.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&"))
    prefix = settings.COLEMAN_DIGITAL_S3_PREFIX
    assert resource == f"https://d111111abcdef8.cloudfront.net/{prefix}/{asset.file.name}"
    assert params["Key-Pair-Id"] == "K2JCJMDEHXQW5F"
    expires = int(params["Expires"])
    assert before + 300 <= expires <= int(time.time()) + 301
    policy = (
        f'{{"Statement":[{{"Resource":"{resource}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}'
    )
    signature = base64.b64decode(params["Signature"].replace("-", "+").replace("_", "=").replace("~", "/"))
    private_key.public_key().verify(signature, policy.encode(), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
