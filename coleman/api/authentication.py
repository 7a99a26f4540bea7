"""How API clients prove who they are: HTTP Basic (realm "Products API", as in the book),
the site's session (with CSRF, DRF's rule) and tokens for scripts.

Failed Basic logins are counted per client address and username with the store's one
throttle (:class:`coleman.core.throttling.Throttle`), as the login page does: past
``COLEMAN_API_AUTH_FAILURES`` the API answers 429 for that pair until the window passes.
"""

from rest_framework import authentication, exceptions

from coleman.conf import coleman_settings
from coleman.core.middleware import CONTROL_CHARACTERS
from coleman.core.throttling import Throttle

from .models import ApiToken

REALM = "Products API"


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic with the book's realm and a brake on password guessing."""

    www_authenticate_realm = REALM

    def authenticate_credentials(self, userid, password, request=None):
        """Check the user name and password unless this client guessed wrong too often."""
        throttle = Throttle.for_client(
            request,
            "api-basic",
            userid,
            limit=coleman_settings.API_AUTH_FAILURES,
            window=coleman_settings.API_AUTH_WINDOW,
        )
        if throttle.is_exceeded():
            raise exceptions.Throttled(
                wait=throttle.window, detail="Too many failed logins. Try again in a few minutes."
            )
        try:
            if CONTROL_CHARACTERS.search(userid) or "\x00" in password:
                # No account has such a name, and PostgreSQL refuses NUL in a query: a 401 as for
                # any wrong login (never a 500), counted like one.
                raise exceptions.AuthenticationFailed("Invalid username/password.")
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            throttle.hit()
            raise


class SessionAuthentication(authentication.SessionAuthentication):
    """The site's login session; unsafe methods need the CSRF token (DRF enforces it)."""


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` with keys issued by ``manage.py api_token``."""

    def authenticate_credentials(self, key):
        """The token's user, when the key matches an active user's token."""
        token = ApiToken.objects.matching(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid token.")
        token.touch()
        return token.user, token
