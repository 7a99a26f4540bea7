"""System checks of the payments app (ids ``coleman.E101``–``coleman.E109``, registered by the app config).

* :func:`check_processors`: every ``COLEMAN_PAYMENTS_PROCESSORS`` entry loads, names are
  unique (E101–E103), each processor's own checks pass, and its endpoints are usable (E109).
* :func:`check_sandbox`: unless ``COLEMAN_PAYMENTS_ALLOW_SANDBOX`` says this site is not live,
  no processor points at a sandbox and the gateway sandbox app is not installed (E108). The
  dev and test settings allow it; production allows it only when the environment says so.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.core import checks

from coleman.conf import coleman_settings

from .exceptions import ImproperlyConfiguredProcessor
from .processors import load_processor

SANDBOX_APP = "coleman.payments.sandbox"


def check_processors(app_configs=None, **kwargs):
    """Every ``COLEMAN_PAYMENTS_PROCESSORS`` entry loads, names are unique, settings are sane."""
    errors = []
    paths = coleman_settings.PAYMENTS_PROCESSORS
    if isinstance(paths, str) or not isinstance(paths, list | tuple):
        return [
            checks.Error(
                "COLEMAN_PAYMENTS_PROCESSORS must be a list of dotted paths.",
                hint='e.g. ["coleman.payments.processors.google.GoogleCheckout"]',
                id="coleman.E101",
            )
        ]
    names = {}
    for dotted_path in paths:
        try:
            processor = load_processor(dotted_path)
        except ImproperlyConfiguredProcessor as exc:
            errors.append(checks.Error(str(exc), obj=dotted_path, id="coleman.E102"))
            continue
        if processor.name in names:
            errors.append(
                checks.Error(
                    f"Payment processors {names[processor.name]!r} and {dotted_path!r} share the name "
                    f"{processor.name!r}.",
                    id="coleman.E103",
                )
            )
            continue
        names[processor.name] = dotted_path
        errors.extend(processor.check())
        errors.extend(endpoint_errors(processor))
    return errors


def endpoint_errors(processor):
    """E109 for an empty endpoint, or a server-to-server endpoint that is not an absolute URL."""
    errors = []
    for key in processor.endpoint_settings:
        url, setting_name = str(processor.setting(key) or ""), processor.setting_name(key)
        if not url:
            errors.append(checks.Error(f"{setting_name} is empty: give the service's URL.", id="coleman.E109"))
        elif key not in processor.page_endpoint_settings and not urlsplit(url).netloc:
            errors.append(
                checks.Error(
                    f"{setting_name} must be an absolute URL ({url!r}): the store calls it, not a browser.",
                    id="coleman.E109",
                )
            )
    return errors


def is_sandbox_url(url):
    """True for a URL of a sandbox: this site's (relative: only the gateway sandbox can answer it)
    or a service's own test environment (``sandbox`` in the URL, as all three services named theirs)."""
    url = str(url or "")
    return bool(url) and (not urlsplit(url).netloc or "sandbox" in url.lower())


def check_sandbox(app_configs=None, **kwargs):
    """E108: sandbox endpoints or the sandbox app, where ``COLEMAN_PAYMENTS_ALLOW_SANDBOX`` is not set."""
    if coleman_settings.PAYMENTS_ALLOW_SANDBOX:
        return []
    hint = "Or set COLEMAN_PAYMENTS_ALLOW_SANDBOX = True on a site that takes no real money (staging)."
    errors = []
    if apps.is_installed(SANDBOX_APP):
        errors.append(
            checks.Error(
                f"The payment gateway sandbox ({SANDBOX_APP}) must not be installed in production: "
                "remove it from INSTALLED_APPS.",
                hint=hint,
                id="coleman.E108",
            )
        )
    paths = coleman_settings.PAYMENTS_PROCESSORS
    for dotted_path in paths if isinstance(paths, list | tuple) else ():
        try:
            processor = load_processor(dotted_path)
        except ImproperlyConfiguredProcessor:
            continue  # reported by check_processors (E102)
        for setting_name, url in processor.endpoints().items():
            if is_sandbox_url(url):
                errors.append(
                    checks.Error(
                        f"{setting_name} points at a sandbox ({url!r}) in settings that take real payments.",
                        hint=f"Set it to {processor.verbose_name or processor.name}'s live URL. {hint}",
                        obj=dotted_path,
                        id="coleman.E108",
                    )
                )
    return errors


__all__ = ["check_processors", "check_sandbox", "endpoint_errors", "is_sandbox_url"]
