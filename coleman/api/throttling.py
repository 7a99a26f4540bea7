"""Request rates of the API, per client address (anonymous) and per user.

DRF identifies clients with its own ``get_ident`` (its ``NUM_PROXIES`` setting); these
throttles use :func:`coleman.core.throttling.client_ip` instead, the store's one rule for
the client address behind ``COLEMAN_PROXY_COUNT`` proxies, and read their rates from
``COLEMAN_API_ANON_RATE`` / ``COLEMAN_API_USER_RATE`` when a request comes in.
"""

from rest_framework import throttling

from coleman.conf import coleman_settings
from coleman.core.throttling import client_ip


class ClientAddressMixin:
    """Identify anonymous clients by the store's client address rule."""

    def get_ident(self, request):
        """The client's address as :func:`coleman.core.throttling.client_ip` reads it."""
        return client_ip(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """Requests per client address for anonymous clients."""

    def get_rate(self):
        """``COLEMAN_API_ANON_RATE``, e.g. ``"120/minute"``."""
        return coleman_settings.API_ANON_RATE


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Requests per user for authenticated clients (per address for anonymous ones)."""

    def get_rate(self):
        """``COLEMAN_API_USER_RATE``, e.g. ``"600/minute"``."""
        return coleman_settings.API_USER_RATE
