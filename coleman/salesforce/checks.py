"""System checks of the Salesforce app (ids ``coleman.E130``–``coleman.E139``)."""

from urllib.parse import urlsplit

from django.core.checks import Error, register

from coleman.conf import coleman_settings

from .client import is_loopback
from .sources import SOURCES


@register()
def check_salesforce_settings(app_configs=None, **kwargs):
    """The login URL is HTTPS (or the sandbox on loopback), the batch size at most 200 and
    every mapping names a known kind, object, external id field and values."""
    errors = []
    url = urlsplit(str(coleman_settings.SALESFORCE_LOGIN_URL))
    if not (url.scheme == "https" or (url.scheme == "http" and url.hostname and is_loopback(url.hostname))):
        errors.append(
            Error(
                "COLEMAN_SALESFORCE_LOGIN_URL must be an https:// URL (plain http only for the sandbox on loopback).",
                id="coleman.E130",
            )
        )
    size = coleman_settings.SALESFORCE_BATCH_SIZE
    if not (isinstance(size, int) and 1 <= size <= 200):
        errors.append(Error("COLEMAN_SALESFORCE_BATCH_SIZE must be a whole number from 1 to 200.", id="coleman.E131"))
    mapping = coleman_settings.SALESFORCE_MAPPING
    if not isinstance(mapping, dict):
        return [*errors, Error("COLEMAN_SALESFORCE_MAPPING must be a dict of kinds.", id="coleman.E132")]
    for kind, spec in mapping.items():
        if kind not in SOURCES:
            errors.append(Error(f"COLEMAN_SALESFORCE_MAPPING: unknown kind {kind!r}.", id="coleman.E132"))
            continue
        if not (isinstance(spec, dict) and spec.get("object") and spec.get("external_id")):
            errors.append(
                Error(f"COLEMAN_SALESFORCE_MAPPING[{kind!r}] needs 'object' and 'external_id'.", id="coleman.E133")
            )
            continue
        unknown = sorted(set(spec.get("fields", {}).values()) - set(SOURCES[kind].values))
        if unknown:
            errors.append(
                Error(
                    f"COLEMAN_SALESFORCE_MAPPING[{kind!r}] maps unknown values {unknown}.",
                    hint=f"Choose among {', '.join(SOURCES[kind].values)}.",
                    id="coleman.E134",
                )
            )
    return errors
