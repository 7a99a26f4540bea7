"""The authentication backend of the store: Django's model backend with the logged-in user
read from the cache.

Every request of a logged-in customer loads their user row (``AuthenticationMiddleware``
asks the backend's ``get_user``); with :class:`CachedModelBackend` it comes from the cache
instead, kept until the user is saved or deleted (:func:`forget_saved_user` forgets it then:
a new password, a deactivation or a login's ``last_login`` all save the user). Django still
checks the session's password hash against the cached user, so changing the password logs out
the other sessions on their next request, as before. It lives in core because it belongs to
no optional app: a store without ``coleman.customers`` logs staff in with it too.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from coleman.conf import coleman_settings


def user_cache_key(user_id) -> str:
    """The cache key of one user's row."""
    return f"coleman:core:user:{user_id}"


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
                cache.set(key, user, coleman_settings.USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_saved_user(sender, instance, **kwargs):
    """A saved or deleted user is read afresh by :class:`CachedModelBackend`."""
    forget_user(instance.pk)


def connect_receivers() -> None:
    """Forget a user's cached row whenever the user model saves or deletes one."""
    post_save.connect(forget_saved_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="coleman.core.forget_saved_user")
    post_delete.connect(
        forget_saved_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="coleman.core.forget_deleted_user"
    )
