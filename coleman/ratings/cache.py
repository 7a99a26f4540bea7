"""What the ratings of one object look like, cached per object and version.

Every object that can be rated has a version number in the cache, changed by every write to
its ratings, reviews or summary (:func:`bump_object_version`, called by the services at once
and again after the transaction commits, like the catalog version). Its summary, its
published reviews and each customer's own rating and review are cached under that version,
so a product page read by many shoppers costs no ratings query, and a new rating, review or
moderation decision is seen on the very next request. Entries of old versions are never read
again and expire after ``COLEMAN_RATINGS_CACHE_SECONDS``.

The ratings app knows no other app, so this is its own small version scheme rather than the
catalog's.
"""

import time

from django.core.cache import cache
from django.utils.translation import get_language

from coleman.conf import coleman_settings

KEY_PREFIX = "coleman:ratings"


def _version_key(content_type_id: int, object_id: int) -> str:
    return f"{KEY_PREFIX}:version:{content_type_id}:{object_id}"


def object_version(content_type_id: int, object_id: int) -> int:
    """The current version of one object's ratings (created on first use)."""
    key = _version_key(content_type_id, object_id)
    version = cache.get(key)
    if version is None:
        # From the clock, so a version lost from the cache never comes back as an old one.
        cache.add(key, time.time_ns() // 1000, timeout=None)
        version = cache.get(key) or time.time_ns() // 1000
    return version


def bump_object_version(content_type_id: int, object_id: int) -> None:
    """Make everything cached about one object's ratings stale."""
    key = _version_key(content_type_id, object_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet, or it was evicted
        cache.set(key, time.time_ns() // 1000, timeout=None)


def cached_for_object(content_type_id: int, object_id: int, name: str, build, *, per_language=False):
    """The value cached as ``name`` for one object's current version, built by ``build()`` if missing."""
    version = object_version(content_type_id, object_id)
    suffix = f":{get_language()}" if per_language else ""
    key = f"{KEY_PREFIX}:{content_type_id}:{object_id}:{version}:{name}{suffix}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, coleman_settings.RATINGS_CACHE_SECONDS)
    return value
