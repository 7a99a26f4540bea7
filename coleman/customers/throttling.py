"""The customers app's throttles against password guessing and account-email flooding.

They are :class:`coleman.core.throttling.Throttle` counters keyed by the client address.
"""

from coleman.conf import coleman_settings
from coleman.core.throttling import Throttle, client_ip


def login_throttle(request, username):
    """The failed-login throttle for ``username`` (case-insensitive) from this client."""
    return Throttle(
        "login",
        (username or "").casefold(),
        client_ip(request),
        limit=coleman_settings.CUSTOMERS_LOGIN_ATTEMPTS,
        window=coleman_settings.CUSTOMERS_LOGIN_LOCKOUT_SECONDS,
    )


def email_throttle(request):
    """The throttle on account emails (sign-up, activation, reset) this client triggers."""
    return Throttle(
        "account-email",
        client_ip(request),
        limit=coleman_settings.CUSTOMERS_EMAILS_PER_CLIENT,
        window=coleman_settings.CUSTOMERS_LOGIN_LOCKOUT_SECONDS,
    )


def address_email_throttle(email):
    """The throttle on account emails sent to ``email`` (case-insensitive), from any client."""
    return Throttle(
        "account-email-to",
        (email or "").strip().casefold(),
        limit=coleman_settings.CUSTOMERS_EMAILS_PER_ADDRESS,
        window=coleman_settings.CUSTOMERS_LOGIN_LOCKOUT_SECONDS,
    )
