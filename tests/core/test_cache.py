"""The store's file cache: Django's, with the cull check made once every N writes."""

import os

import pytest

from coleman.core.cache import FileBasedCache


def cache_in(directory, **options):
    """A file cache in ``directory`` with ``OPTIONS`` ``options``."""
    return FileBasedCache(str(directory), {"OPTIONS": options})


def entries(directory):
    """How many entries the cache directory holds."""
    return sum(1 for name in os.listdir(directory) if name.endswith(".djcache"))


def test_the_directory_is_listed_once_every_interval_writes(tmp_path, monkeypatch):
    """A write does not list the cache directory; every ``CULL_CHECK_INTERVAL``-th one does."""
    cache = cache_in(tmp_path, MAX_ENTRIES=1000, CULL_CHECK_INTERVAL=10)
    listings = []
    listing = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or listing())
    for n in range(35):
        cache.set(f"key-{n}", n)
    assert len(listings) == 3
    assert [cache.get(f"key-{n}") for n in range(35)] == list(range(35))


def test_past_the_limit_the_check_culls_as_django_does(tmp_path):
    """``MAX_ENTRIES`` is a soft limit: entries may pass it between two checks, and the next
    check deletes a third of them at random (``CULL_FREQUENCY`` 3), as Django's cache does."""
    cache = cache_in(tmp_path, MAX_ENTRIES=12, CULL_CHECK_INTERVAL=5)
    for n in range(14):
        cache.set(f"key-{n}", n)
    assert entries(tmp_path) == 14  # the 10th write checked (9 entries, under the limit)
    cache.set("key-14", 14)  # the 15th checks: 14 entries, a third deleted, then written
    assert entries(tmp_path) == 14 - 14 // 3 + 1
    assert cache.get("key-14") == 14


@pytest.mark.parametrize(("max_entries", "interval"), [(20_000, 400), (300, 6), (10, 1)])
def test_the_default_interval_is_a_fiftieth_of_the_limit(tmp_path, max_entries, interval):
    """Without ``CULL_CHECK_INTERVAL`` the check comes every ``MAX_ENTRIES // 50`` writes (at least 1)."""
    assert cache_in(tmp_path, MAX_ENTRIES=max_entries).cull_check_interval == interval
