"""System checks of the API app (ids ``coleman.E110``–``coleman.E119``)."""

import re

from django.apps import apps
from django.core.checks import Error, register

from coleman.conf import coleman_settings

RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")
REQUIRED_APPS = ("rest_framework", "drf_spectacular", "drf_spectacular_sidecar")


@register()
def check_api_settings(app_configs=None, **kwargs):
    """The API's companion apps are installed; rates and page sizes make sense."""
    errors = [
        Error(f"coleman.api needs {app!r} in INSTALLED_APPS.", id="coleman.E110")
        for app in REQUIRED_APPS
        if not apps.is_installed(app)
    ]
    for name in ("API_ANON_RATE", "API_USER_RATE"):
        if not (isinstance(getattr(coleman_settings, name), str) and RATE.match(getattr(coleman_settings, name))):
            errors.append(Error(f"COLEMAN_{name} must look like '120/minute'.", id="coleman.E111"))
    page, most = coleman_settings.API_PAGE_SIZE, coleman_settings.API_MAX_PAGE_SIZE
    if not (isinstance(page, int) and isinstance(most, int) and 1 <= page <= most):
        errors.append(
            Error(
                "COLEMAN_API_PAGE_SIZE must be a whole number from 1 to COLEMAN_API_MAX_PAGE_SIZE.", id="coleman.E112"
            )
        )
    return errors
