"""The catalog version, and rendered catalog fragments cached under it.

The catalog version is a number that changes whenever anything in the catalog changes
(``receivers`` bump it on every save and delete of a catalog model; code that writes with
``update()`` or ``bulk_create()`` calls :func:`bump_catalog_version` itself). Cached fragments
include it in their keys, so one edit makes every cached page stale at once, in every worker
process that shares the cache. Old entries are never read again and expire on their own.

A fragment is anything worth caching under the version: a :class:`CatalogFragment` (the
shared content of a catalog page), the parts of a product page (:func:`render_parts`), a
listing's count. :func:`cached_fragment` builds and stores it on first use; keys come from
:func:`fragment_key`, which also tells languages apart. Whole pages for visitors without
cookies are cached by :mod:`coleman.products.page_cache` on top of these keys.

A key names its version, so what is stored under it never changes: each process keeps the
fragments it read last in memory (``COLEMAN_CATALOG_LOCAL_CACHE_ENTRIES`` of them), and only
the version itself is read from the shared cache on every request. Only immutable values (text,
bytes, numbers and tuples of them) are kept in memory, because callers may change the objects
they get back; every stored fragment keeps the deadline of the shared cache's entry.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language

from coleman.conf import coleman_settings

CATALOG_VERSION_KEY = "coleman:products:catalog-version"
# Entries are stored as (deadline, fragment); the "2" keeps a shared cache filled by an
# earlier release (bare fragments) from being read after an upgrade.
FRAGMENT_KEY_PREFIX = "coleman:products:fragment2"


def _fresh_version() -> int:
    # Start from the clock, not from 1: if the cache loses the version key (eviction, a
    # restart of the cache server), the new version can never equal one that old cached
    # fragments were stored under.
    return time.time_ns() // 1000


# The version pinned for the rest of one request (:func:`pinned_catalog_version`), or None.
_pinned_version = ContextVar("coleman_pinned_catalog_version", default=None)


def catalog_version() -> int:
    """Return the current catalog version (creating it on first use)."""
    pinned = _pinned_version.get()
    if pinned is not None:
        return pinned
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(CATALOG_VERSION_KEY) or _fresh_version()
    return version


@contextmanager
def pinned_catalog_version():
    """Read the catalog version once for the block (a page and its live parts take their
    keys under one version); a bump inside the block unpins it."""
    token = _pinned_version.set(catalog_version())
    try:
        yield
    finally:
        _pinned_version.reset(token)


def bump_catalog_version() -> None:
    """Invalidate every cached catalog fragment."""
    _pinned_version.set(None)
    try:
        cache.incr(CATALOG_VERSION_KEY)
    except ValueError:  # no version yet (or it was evicted)
        cache.set(CATALOG_VERSION_KEY, _fresh_version(), timeout=None)


def catalog_changed_by_update(using=None) -> None:
    """Invalidate cached catalog fragments now and once the transaction commits.

    For code that changes catalog rows with ``update()`` (which sends no signal), such as
    taking stock for an order: the product page shows the stock, and the next request must
    see the new figure.
    """
    bump_catalog_version()
    transaction.on_commit(bump_catalog_version, using=using)


def fragment_key(*parts) -> str:
    """The cache key of a catalog fragment identified by ``parts``, under the current version.

    The parts (view name, slugs, page number…) and the active language are hashed, so keys
    stay short and free of characters some cache servers refuse, however long a slug is, and
    a page rendered in one language is never served in another.
    """
    digest = hashlib.sha256(repr((get_language(), *parts)).encode()).hexdigest()[:32]
    return f"{FRAGMENT_KEY_PREFIX}:{catalog_version()}:{digest}"


class LocalFragments:
    """The fragments this process read last, by key, each with its deadline (a bounded LRU).

    Safe because a fragment key names the catalog version: the entry under a key never
    changes, and a new version means new keys.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()  # threaded servers share one copy

    def get(self, key, now):
        """The live entry's value under ``key``, or ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key, deadline, value) -> None:
        """Keep ``value`` until ``deadline`` if it is immutable, dropping the oldest entries."""
        size = coleman_settings.CATALOG_LOCAL_CACHE_ENTRIES
        if size <= 0 or not is_immutable(value):
            return
        with self._lock:
            self._entries[key] = (deadline, value)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def is_immutable(value) -> bool:
    """Whether ``value`` is text, bytes, a number, a bool, ``None`` or a tuple of those."""
    if isinstance(value, tuple):
        return all(is_immutable(item) for item in value)
    return value is None or isinstance(value, str | bytes | int | float | bool)


local_fragments = LocalFragments()


def get_fragment(key):
    """The fragment stored under ``key`` (a :func:`fragment_key`), from this process's memory
    or the shared cache, or ``None`` when there is none or it expired."""
    now = time.time()
    value = local_fragments.get(key, now)
    if value is not None:
        return value
    entry = cache.get(key)
    if entry is None:
        return None
    deadline, value = entry
    if deadline <= now:
        return None
    local_fragments.put(key, deadline, value)
    return value


def set_fragment(key, value) -> None:
    """Store ``value`` under ``key`` for ``COLEMAN_CATALOG_CACHE_SECONDS``, in the shared cache
    and in this process's memory."""
    seconds = coleman_settings.CATALOG_CACHE_SECONDS
    deadline = time.time() + seconds
    cache.set(key, (deadline, value), seconds)
    local_fragments.put(key, deadline, value)


def cached_fragment(parts, build):
    """Return the fragment cached under ``parts``, building and caching it with ``build()`` if missing.

    ``build`` may raise (``Http404`` for an unknown slug); nothing is cached then.
    """
    key = fragment_key(*parts)
    fragment = get_fragment(key)
    if fragment is None:
        fragment = build()
        set_fragment(key, fragment)
    return fragment


@dataclass
class CatalogFragment:
    """The cacheable content of a catalog page: rendered HTML plus what the page frame shows
    about it (title, breadcrumbs as ``(label, url or None)`` pairs, meta description)."""

    title: str
    html: SafeString
    breadcrumbs: list[tuple[str, str | None]] = field(default_factory=list)
    meta_description: str = ""

    @classmethod
    def render(cls, template_name, context, request, *, title="", breadcrumbs=(), meta_description=""):
        """Render ``template_name`` with ``context`` into a fragment described by the rest.

        Labels are turned into plain strings here (a lazy translation is stored as the text
        of the language it was rendered in); the meta description is cut to 30 words.
        """
        return cls(
            title=str(title),
            html=SafeString(render_to_string(template_name, context, request)),
            breadcrumbs=[(str(label), url) for label, url in breadcrumbs],
            meta_description=Truncator(meta_description).words(30),
        )


# Separates the named parts of a template rendered by render_parts().
PART_MARKER = re.compile(r"<!--part:(\w+)-->")


def render_parts(template_name, context, request) -> dict[str, SafeString]:
    """Render a template made of named parts (``<!--part:NAME-->`` before each) into a dict.

    A page whose shared content is interleaved with per-shopper includes (the product page)
    caches its shared pieces this way and places them around the live ones. The part
    ``meta_description``, if any, is stripped of surrounding white space.
    """
    pieces = PART_MARKER.split(render_to_string(template_name, context, request))[1:]
    parts = {name: SafeString(piece) for name, piece in zip(pieces[::2], pieces[1::2], strict=True)}
    if "meta_description" in parts:
        parts["meta_description"] = SafeString(parts["meta_description"].strip())
    return parts
