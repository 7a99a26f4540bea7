"""The store's session engine: Django's ``cached_db`` sessions with fewer statements per write.

``SESSION_ENGINE = "coleman.core.sessions"`` (production's setting). Sessions are read from the
cache and written through to the database exactly as with
``django.contrib.sessions.backends.cached_db``; only the database writes are leaner:

- A new session's key is not looked up first (Django runs an ``exists()`` query, and a cache
  lookup, before inserting): the key is random (32 characters of ``[a-z0-9]``) and the row is
  inserted with ``force_insert``, so the primary key refuses a key already taken
  (``IntegrityError`` → ``CreateError``) and :meth:`create` tries another, as Django's loop does.
- A write outside any transaction is the single INSERT or UPDATE in autocommit (a statement is
  atomic on its own) instead of BEGIN, the statement, COMMIT. Inside a transaction it keeps
  Django's savepoint, so a refused INSERT does not break the outer transaction on PostgreSQL.

Django's semantics are kept: saving a session whose row is gone raises ``UpdateError`` (the
session middleware turns it into ``SessionInterrupted``), a colliding new key ``CreateError``.
(Two sessions' keys colliding is a 1 in 36**32 event; Django's ``exists()`` check did not
prevent a race between two requests either: the primary key always decided.)
"""

from contextlib import nullcontext

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.cached_db import logger
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils.crypto import get_random_string


class SessionStore(CachedDBStore):
    """``cached_db`` sessions whose writes are one statement each outside a transaction."""

    def _get_new_session_key(self):
        # No exists() query: the INSERT of create() (force_insert) is what proves a key is free.
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def _write(self, must_create):
        """INSERT (``must_create``) or UPDATE this session's row: alone in autocommit, in a
        savepoint inside a transaction."""
        data = self._get_session(no_load=must_create)
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        in_transaction = not connections[using].get_autocommit()
        try:
            with transaction.atomic(using=using) if in_transaction else nullcontext():
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise

    def save(self, must_create=False):
        """Write the session to the database (see the module's docstring), then to the cache."""
        if self.session_key is None:
            return self.create()
        self._write(must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)
        return None


__all__ = ["SessionStore"]
