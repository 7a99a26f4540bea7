"""Where downloadable files live, and the short-lived links that hand them out.

Files are stored through Django's storage API on a storage of their own, never the default
media storage:

- **local private storage** (the default): a folder outside ``MEDIA_ROOT``
  (``COLEMAN_DIGITAL_ROOT``), with no URL of its own; files leave it only through
  :class:`~coleman.digital.views.SignedFileView`, behind a link signed with Django's
  ``TimestampSigner``;
- **S3** (``COLEMAN_DIGITAL_S3_BUCKET`` set): django-storages' ``S3Storage`` on a private
  bucket; links are boto3 presigned URLs (or CloudFront signed URLs when a distribution and
  its key are configured), made when the customer clicks and valid for
  ``COLEMAN_DIGITAL_LINK_SECONDS``.

The storage is chosen when first used and chosen again whenever a ``COLEMAN_DIGITAL_*``
setting changes (tests switch between the two).
"""

from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

from coleman.conf import coleman_settings

#: Salt of the local download links (a signature for anything else never opens a file).
FILE_LINK_SALT = "coleman.digital.file-link"


def private_root() -> Path:
    """The folder of the local private storage."""
    configured = coleman_settings.DIGITAL_ROOT
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT).parent / "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files that have no public URL: they are served only through signed links."""

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location or private_root(), base_url=None, **kwargs)

    def url(self, name):
        raise NotImplementedError("Private files have no URL; hand them out with coleman.digital.storage.link_for().")


def s3_options() -> dict:
    """``S3Storage`` options from the ``COLEMAN_DIGITAL_S3_*`` and ``_CLOUDFRONT_*`` settings."""
    options = {
        "bucket_name": coleman_settings.DIGITAL_S3_BUCKET,
        "location": coleman_settings.DIGITAL_S3_PREFIX.strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": coleman_settings.DIGITAL_LINK_SECONDS,
        "file_overwrite": False,
        "signature_version": coleman_settings.DIGITAL_S3_SIGNATURE_VERSION,
        "addressing_style": coleman_settings.DIGITAL_S3_ADDRESSING_STYLE,
    }
    optional = {
        "region_name": coleman_settings.DIGITAL_S3_REGION,
        "endpoint_url": coleman_settings.DIGITAL_S3_ENDPOINT_URL,
        "access_key": coleman_settings.DIGITAL_S3_ACCESS_KEY_ID,
        "secret_key": coleman_settings.DIGITAL_S3_SECRET_ACCESS_KEY,
        "custom_domain": coleman_settings.DIGITAL_CLOUDFRONT_DOMAIN,
        "cloudfront_key_id": coleman_settings.DIGITAL_CLOUDFRONT_KEY_ID,
        "cloudfront_key": coleman_settings.DIGITAL_CLOUDFRONT_PRIVATE_KEY,
    }
    options.update({name: value for name, value in optional.items() if value})
    if "cloudfront_key" in options and isinstance(options["cloudfront_key"], str):
        options["cloudfront_key"] = options["cloudfront_key"].encode()
    return options


def uses_s3() -> bool:
    """True when downloadable files are kept on S3 (a bucket is configured)."""
    return bool(coleman_settings.DIGITAL_S3_BUCKET)


def build_asset_storage():
    """A new storage instance for downloadable files, as the settings say now."""
    if uses_s3():
        from storages.backends.s3 import S3Storage

        return S3Storage(**s3_options())
    return PrivateFileSystemStorage()


class AssetStorage(LazyObject):
    """The storage of downloadable files, built on first use from the current settings."""

    def _setup(self):
        self._wrapped = build_asset_storage()


#: The one storage object every ``DigitalAsset.file`` uses.
asset_storage = AssetStorage()


def get_asset_storage():
    """``asset_storage`` (the callable ``DigitalAsset.file`` names, so migrations stay stable)."""
    return asset_storage


@receiver(setting_changed)
def _forget_storage(setting, **kwargs):
    if setting.startswith("COLEMAN_DIGITAL_") or setting == "MEDIA_ROOT":
        asset_storage._wrapped = empty


def sign_file_link(download) -> str:
    """The token of a local download link for ``download`` (a :class:`Download` row)."""
    return signing.TimestampSigner(salt=FILE_LINK_SALT).sign(str(download.pk))


def read_file_link(token) -> int:
    """The download id in ``token``; raises ``signing.SignatureExpired`` when it is older than
    ``COLEMAN_DIGITAL_LINK_SECONDS`` and ``signing.BadSignature`` when it was not made here."""
    value = signing.TimestampSigner(salt=FILE_LINK_SALT).unsign(token, max_age=coleman_settings.DIGITAL_LINK_SECONDS)
    if not value.isdigit():
        raise signing.BadSignature("Not a download link.")
    return int(value)


def link_for(download) -> str:
    """A short-lived link to the file of ``download``, made now; never store it in a page.

    Local storage: this site's signed URL. S3: a presigned URL asking S3 to send the file as
    an attachment under its own name (CloudFront: a signed URL of the distribution).
    """
    asset = download.asset
    if not uses_s3():
        return reverse("digital:file", kwargs={"token": sign_file_link(download)})
    storage = asset.file.storage
    parameters = None
    if not coleman_settings.DIGITAL_CLOUDFRONT_DOMAIN:
        parameters = {
            "ResponseContentDisposition": content_disposition_header(as_attachment=True, filename=asset.filename)
        }
        if asset.content_type:
            parameters["ResponseContentType"] = asset.content_type
    return storage.url(asset.file.name, parameters=parameters, expire=coleman_settings.DIGITAL_LINK_SECONDS)


__all__ = [
    "AssetStorage",
    "PrivateFileSystemStorage",
    "asset_storage",
    "build_asset_storage",
    "get_asset_storage",
    "link_for",
    "private_root",
    "read_file_link",
    "s3_options",
    "sign_file_link",
    "uses_s3",
]
