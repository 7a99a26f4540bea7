"""The catalog version, and rendered catalog fragments cached under it.

The catalog version is a number that changes whenever anything in the catalog changes
(``receivers`` bump it on every save and delete of a catalog model; code that writes with
``update()`` or ``bulk_create()`` calls :func:`bump_catalog_version` itself). Cached fragments
include it in their keys, so one edit makes every cached page stale at once, in every worker
process that shares the cache. Old entries are never read again and expire on their own.
"""

import hashlib
import time

from django.core.cache import cache

from coleman.conf import coleman_settings

CATALOG_VERSION_KEY = "coleman:products:catalog-version"
FRAGMENT_KEY_PREFIX = "coleman:products:fragment"


def _fresh_version() -> int:
    # Start from the clock, not from 1: if the cache loses the version key (eviction, a
    # restart of the cache server), the new version can never equal one that old cached
    # fragments were stored under.
    return time.time_ns() // 1000


def catalog_version() -> int:
    """Return the current catalog version (creating it on first use)."""
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(CATALOG_VERSION_KEY) or _fresh_version()
    return version


def bump_catalog_version() -> None:
    """Invalidate every cached catalog fragment."""
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:  # no version yet (or it was evicted)
        cache.set(CATALOG_VERSION_KEY, _fresh_version(), timeout=None)


def fragment_key(*parts) -> str:
    """The cache key of a catalog fragment identified by ``parts``, under the current version.

    The parts (view name, slugs, page number…) are hashed, so keys stay short and free of
    characters some cache servers refuse, however long a slug is.
    """
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{FRAGMENT_KEY_PREFIX}:{catalog_version()}:{digest}"


def cached_fragment(parts, build):
    """Return the fragment cached under ``parts``, building and caching it with ``build()`` if missing.

    ``build`` may raise (``Http404`` for an unknown slug); nothing is cached then.
    """
    key = fragment_key(*parts)
    fragment = cache.get(key)
    if fragment is None:
        fragment = build()
        cache.set(key, fragment, coleman_settings.CATALOG_CACHE_SECONDS)
    return fragment
