"""System checks for the customers app's settings (ids coleman.E020–E029)."""

from django.conf import settings
from django.core.checks import Error, register

from coleman.conf import coleman_settings

POSITIVE_INTEGER_SETTINGS = (
    "CUSTOMERS_LOGIN_ATTEMPTS",
    "CUSTOMERS_LOGIN_LOCKOUT_SECONDS",
    "CUSTOMERS_EMAILS_PER_CLIENT",
    "CUSTOMERS_EMAILS_PER_ADDRESS",
    "CUSTOMERS_MAX_ADDRESSES",
)


def _is_positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@register()
def check_customers_settings(app_configs=None, **kwargs):
    """Activation needs ``ACCOUNT_ACTIVATION_DAYS``; throttles and limits must be positive."""
    errors = []
    if not _is_positive_int(getattr(settings, "ACCOUNT_ACTIVATION_DAYS", None)):
        errors.append(
            Error(
                "ACCOUNT_ACTIVATION_DAYS must be a positive whole number of days.",
                hint="django-registration's activation links expire after this many days; set e.g. 7.",
                id="coleman.E020",
            )
        )
    for name in POSITIVE_INTEGER_SETTINGS:
        if not _is_positive_int(getattr(coleman_settings, name)):
            errors.append(
                Error(
                    f"COLEMAN_{name} must be a positive whole number.",
                    hint="See coleman/conf.py for its meaning and default.",
                    id="coleman.E021",
                )
            )
    if str(getattr(settings, "LOGIN_URL", "")) not in {"customers:login", "/accounts/login/"}:
        errors.append(
            Error(
                'LOGIN_URL should be "customers:login" so protected pages send shoppers to our login page.',
                id="coleman.E022",
            )
        )
    return errors
