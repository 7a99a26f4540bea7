"""The store's file cache: Django's, counting its files now and then instead of on every write.

``django.core.cache.backends.filebased.FileBasedCache`` lists its whole directory on every
``set()`` to decide whether to cull (``MAX_ENTRIES``). With production's cache full of catalog
pages (up to 20,000 files) that listing costs about 15 ms of CPU per write, and every session
write (``cached_db``) is a cache write: three per guest order before it is paid.

:class:`FileBasedCache` does the same culling, but lists the directory on the first write of
each process and then once every :attr:`FileBasedCache.count_every` writes (counted per
process, across threads): between two counts a process adds at most that many files, so the
cache may pass ``MAX_ENTRIES`` by that many per process before a third of it is culled, as
before. ``OPTIONS={"COUNT_EVERY": n}`` sets it (1: Django's behaviour).
"""

import itertools

from django.core.cache.backends import filebased

#: Writes through every FileBasedCache of this process (Django makes one instance per thread).
_writes = itertools.count()


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache whose writes count the files (to cull) only every ``count_every`` writes."""

    count_every = 100

    def __init__(self, dir, params):
        options = dict(params.get("OPTIONS", {}))
        count_every = options.pop("COUNT_EVERY", None)
        super().__init__(dir, {**params, "OPTIONS": options})
        if count_every is not None:
            self.count_every = max(1, int(count_every))

    def _cull(self):
        if next(_writes) % self.count_every == 0:
            super()._cull()


__all__ = ["FileBasedCache"]
