"""System checks of the core settings (ids ``coleman.E001``–``coleman.E009``)."""

from django.core.checks import Error, register

from coleman.conf import coleman_settings


def _is_non_negative_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@register()
def check_core_settings(app_configs=None, **kwargs):
    """``COLEMAN_PROXY_COUNT`` is a count of proxies; the query-string limit is positive; the
    Content-Security-Policy mode and policy are well formed."""
    errors = []
    if not _is_non_negative_int(coleman_settings.PROXY_COUNT):
        errors.append(
            Error(
                "COLEMAN_PROXY_COUNT must be 0 or the number of proxies in front of the site.",
                hint="Throttles read the client address from X-Forwarded-For as far as proxies are trusted.",
                id="coleman.E001",
            )
        )
    limit = coleman_settings.MAX_QUERY_STRING_LENGTH
    if not _is_non_negative_int(limit) or not limit:
        errors.append(Error("COLEMAN_MAX_QUERY_STRING_LENGTH must be a positive whole number.", id="coleman.E002"))
    if coleman_settings.CONTENT_SECURITY_POLICY_MODE not in ("off", "report-only", "enforce"):
        errors.append(
            Error('COLEMAN_CONTENT_SECURITY_POLICY_MODE must be "off", "report-only" or "enforce".', id="coleman.E003")
        )
    policy = coleman_settings.CONTENT_SECURITY_POLICY
    if not isinstance(policy, dict) or not all(
        isinstance(sources, list | tuple) and all(isinstance(source, str) for source in sources)
        for sources in policy.values()
    ):
        errors.append(
            Error(
                "COLEMAN_CONTENT_SECURITY_POLICY must map each directive to a list of sources.",
                hint='e.g. {"default-src": ["\'self\'"]}',
                id="coleman.E004",
            )
        )
    return errors
