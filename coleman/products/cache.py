"""The catalog version: a number that changes whenever anything in the catalog changes.

Cached catalog fragments include it in their keys, so one edit makes every cached page
stale at once, in every worker process that shares the cache.
"""

from django.core.cache import cache

CATALOG_VERSION_KEY = "coleman:products:catalog-version"


def catalog_version() -> int:
    """Return the current catalog version (creating it on first use)."""
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, 1, timeout=None)
        version = cache.get(CATALOG_VERSION_KEY, 1)
    return version


def bump_catalog_version() -> None:
    """Invalidate every cached catalog fragment."""
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:
        cache.set(CATALOG_VERSION_KEY, 2, timeout=None)
