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
"""

import hashlib
import re
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language

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
