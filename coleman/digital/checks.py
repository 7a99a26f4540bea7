"""System checks of the digital app's settings (ids ``coleman.E080``–``coleman.E089``)."""

import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from coleman.conf import coleman_settings

from .storage import private_root

SENDFILE_MODES = (None, "x-sendfile", "x-accel-redirect")
SIGNATURE_VERSIONS = ("s3v4", "s3")


def _inside(path, folder):
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


def _is_count(value, *, allow_none):
    if value is None:
        return allow_none
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@register()
def check_private_storage(app_configs=None, **kwargs):
    """The private folder must not be one the site serves (media or static files)."""
    root = private_root()
    served = [settings.MEDIA_ROOT, getattr(settings, "STATIC_ROOT", None), *getattr(settings, "STATICFILES_DIRS", [])]
    for folder in served:
        folder = folder[1] if isinstance(folder, tuple) else folder
        if folder and (_inside(root, folder) or _inside(folder, root)):
            return [
                Error(
                    f"COLEMAN_DIGITAL_ROOT ({root}) overlaps {folder}, which the site serves by URL.",
                    hint="Keep downloadable files in a folder of their own, outside MEDIA_ROOT and the static folders.",
                    id="coleman.E080",
                )
            ]
    return []


@register()
def check_digital_settings(app_configs=None, **kwargs):
    """Limits are positive whole numbers, the send-file mode and S3 options are known."""
    errors = []
    counts = [
        ("DIGITAL_DOWNLOAD_LIMIT", True),
        ("DIGITAL_ACCESS_DAYS", True),
        ("DIGITAL_LINK_SECONDS", False),
        ("DIGITAL_GUEST_LINK_DAYS", False),
    ]
    for name, allow_none in counts:
        if not _is_count(getattr(coleman_settings, name), allow_none=allow_none):
            errors.append(
                Error(
                    f"COLEMAN_{name} must be a positive whole number{' or None' if allow_none else ''}.",
                    id="coleman.E081",
                )
            )
    if coleman_settings.DIGITAL_SENDFILE not in SENDFILE_MODES:
        errors.append(
            Error(
                "COLEMAN_DIGITAL_SENDFILE must be None, 'x-sendfile' or 'x-accel-redirect'.",
                id="coleman.E082",
            )
        )
    cloudfront = [
        coleman_settings.DIGITAL_CLOUDFRONT_DOMAIN,
        coleman_settings.DIGITAL_CLOUDFRONT_KEY_ID,
        coleman_settings.DIGITAL_CLOUDFRONT_PRIVATE_KEY,
    ]
    if any(cloudfront) and not all(cloudfront):
        errors.append(
            Error(
                "CloudFront signed URLs need COLEMAN_DIGITAL_CLOUDFRONT_DOMAIN, _KEY_ID and _PRIVATE_KEY together.",
                id="coleman.E083",
            )
        )
    if coleman_settings.DIGITAL_S3_BUCKET:
        missing = [module for module in ("storages", "boto3") if importlib.util.find_spec(module) is None]
        if missing:
            errors.append(
                Error(
                    f"COLEMAN_DIGITAL_S3_BUCKET is set but {', '.join(missing)} cannot be imported.",
                    hint="pip install -r requirements.txt (django-storages[s3], boto3).",
                    id="coleman.E084",
                )
            )
        if coleman_settings.DIGITAL_S3_SIGNATURE_VERSION not in SIGNATURE_VERSIONS:
            errors.append(Error("COLEMAN_DIGITAL_S3_SIGNATURE_VERSION must be 's3v4' or 's3'.", id="coleman.E085"))
    return errors
