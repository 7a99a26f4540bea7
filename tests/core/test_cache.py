"""The store's file cache (``coleman.core.cache.FileBasedCache``): Django's, counting its files
(to cull past ``MAX_ENTRIES``) every ``COUNT_EVERY`` writes instead of on every write."""

from coleman.core.cache import FileBasedCache


def file_cache(tmp_path, **options):
    return FileBasedCache(str(tmp_path), {"OPTIONS": options})


def count_listings(cache, monkeypatch):
    """A list that gets one item each time ``cache`` lists its directory."""
    listings = []
    original = cache._list_cache_files

    def listing():
        listings.append(1)
        return original()

    monkeypatch.setattr(cache, "_list_cache_files", listing)
    return listings


def test_the_directory_is_listed_once_every_count_every_writes(tmp_path, monkeypatch):
    """30 writes with COUNT_EVERY=10 list the directory 3 times (Django lists it 30 times);
    what was written reads back."""
    cache = file_cache(tmp_path, COUNT_EVERY=10)
    listings = count_listings(cache, monkeypatch)
    for index in range(30):
        cache.set(f"key-{index}", index)
    assert len(listings) == 3
    assert [cache.get(f"key-{index}") for index in range(30)] == list(range(30))


def test_count_every_1_is_djangos_behaviour(tmp_path, monkeypatch):
    cache = file_cache(tmp_path, COUNT_EVERY=1)
    listings = count_listings(cache, monkeypatch)
    for index in range(5):
        cache.set(f"key-{index}", index)
    assert len(listings) == 5


def test_a_full_cache_is_still_culled(tmp_path):
    """Past MAX_ENTRIES a counting write culls a third, as Django does: the cache stays within
    MAX_ENTRIES plus the writes between two counts."""
    cache = file_cache(tmp_path, MAX_ENTRIES=20, COUNT_EVERY=5)
    for index in range(200):
        cache.set(f"key-{index}", index)
    assert len(cache._list_cache_files()) <= 20 + 5
