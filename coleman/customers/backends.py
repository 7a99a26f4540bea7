"""The authentication backend of the store: Django's model backend with the logged-in user
read from the cache.

Every request of a logged-in customer loads their user row (``AuthenticationMiddleware``
asks the backend's ``get_user``); with :class:`CachedModelBackend` it comes from the cache
instead, kept until the user is saved or deleted (:mod:`.receivers` forget it then: a new
password, a deactivation or a login's ``last_login`` all save the user). Django still checks
the session's password hash against the cached user, so changing the password logs out the
other sessions on their next request, as before.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from coleman.conf import coleman_settings


def user_cache_key(user_id) -> str:
    """The cache key of one user's row."""
    return f"coleman:customers:user:{user_id}"


def forget_user(user_id) -> None:
    """Drop a user's cached row (it was saved or deleted)."""
    cache.delete(user_cache_key(user_id))


class CachedModelBackend(ModelBackend):
    """:class:`~django.contrib.auth.backends.ModelBackend` whose ``get_user`` reads the cache first."""

    def get_user(self, user_id):
        """The active user ``user_id`` from the cache, else from the database (then cached)."""
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, coleman_settings.CUSTOMERS_USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None
