"""What every search backend returns, and the work they share.

A backend turns the shopper's words into a :class:`Found`: the *facet keys* of its matches
(catalog, category, manufacturer, price: what the filters read) with how many matches share
each, and a way to draw one page of :class:`Match` rows (name, slug, photo, a text for
highlighting…) in the order asked for. The counts beside each filter choice are computed
here from those groups (a few hundred at most, whatever the number of matches), so every
engine offers the same filters; only the page shown is turned into full rows and
highlighted. The simplest backends implement :meth:`SearchBackend.match` (every match as a
:class:`Match`, in relevance order) and get the rest from :class:`MatchList`; the engines
override :meth:`SearchBackend.find` to hand over ids and facet keys only.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.products.models import Product, StockStatus

try:  # Whoosh's Porter stemmer, for highlighting; without Whoosh only whole words are marked
    from whoosh.lang.porter import stem
except ImportError:  # pragma: no cover - whoosh is in requirements.txt

    def stem(word):
        """No stemming: the word itself."""
        return word


# Words recur from one highlighted text to the next: stem each once (Porter stemming in pure
# Python was a third of a page's highlighting).
stem = functools.lru_cache(maxsize=50_000)(stem)

SORT_CHOICES = {
    "relevance": _("Best match"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
}


class FacetKey(NamedTuple):
    """What the filters and their counts read of a match, for one search (matches sharing one
    are counted together): ``band`` is the value of the configured price band the price lies
    in (None: in none), ``in_price`` whether it lies in the band the shopper selected (True
    when none is)."""

    catalog_slug: str
    catalog: str
    category_id: int | None
    category: str
    manufacturer: str
    band: str | None
    in_price: bool


@dataclass
class Match(StockStatus):
    """One product matched by a backend, with what a results list shows (``stock`` is read
    from the database for the hits of a page, see :func:`attach_stock`)."""

    pk: int
    name: str
    slug: str
    price: Decimal
    photo: str = ""
    category_id: int | None = None
    category: str = ""
    catalog_slug: str = ""
    catalog: str = ""
    manufacturer: str = ""
    text: str = ""
    score: float = 0.0
    highlighted: str = ""
    stock: int | None = None

    def get_absolute_url(self):
        """The product page."""
        return reverse("products:detail", kwargs={"slug": self.slug})

    @property
    def photo_url(self):
        """URL of the product photo, or "" when it has none."""
        if not self.photo:
            return ""
        return default_storage.url(self.photo)


@dataclass
class FacetChoice:
    """One choice of a filter with the number of results it would give."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchRequest:
    """A validated search: the words plus the shopper's filters, sort and page."""

    text: str
    catalog: str = ""
    category: int | None = None
    manufacturer: str = ""
    price: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    @cached_property
    def price_band(self):
        """The selected (low, high) price band, or None."""
        return parse_price_band(self.price)


@dataclass
class SearchOutcome:
    """What the results page shows."""

    request: SearchRequest
    hits: list[Match]
    count: int
    truncated: bool = False
    suggestion: str = ""
    facets: dict[str, list[FacetChoice]] = field(default_factory=dict)

    @property
    def num_pages(self):
        """Pages of results (at least one)."""
        per_page = self.request.per_page
        return max(1, (self.count + per_page - 1) // per_page)


def price_bands():
    """The configured price bands as (value, label, low, high) tuples; high None is open."""
    bounds = [to_money(b) for b in coleman_settings.SEARCH_PRICE_BANDS]
    symbol = coleman_settings.CURRENCY_SYMBOL

    def plain(amount):
        return f"{amount.normalize():f}"

    bands, low = [], Decimal("0")
    for high in bounds:
        label = gettext("%(low)s to %(high)s") % {"low": f"{symbol}{plain(low)}", "high": f"{symbol}{plain(high)}"}
        bands.append((f"{plain(low)}-{plain(high)}", label, low, high))
        low = high
    bands.append((f"{plain(low)}-", gettext("%(low)s and up") % {"low": f"{symbol}{plain(low)}"}, low, None))
    return bands


def parse_price_band(value):
    """``"10-25"`` → (Decimal(10), Decimal(25)); ``"100-"`` → (100, None); bad → None."""
    if not value or "-" not in value:
        return None
    low_text, _, high_text = value.partition("-")
    try:
        low = Decimal(low_text) if low_text else Decimal("0")
        high = Decimal(high_text) if high_text else None
    except InvalidOperation:
        return None
    if not low.is_finite() or (high is not None and (not high.is_finite() or high < low)):
        return None
    return low, high


def in_band(price, band):
    """Whether ``price`` lies in [low, high) of ``band``."""
    low, high = band
    return price >= low and (high is None or price < high)


def band_of(price, bands):
    """The value of the first of ``bands`` (see :func:`price_bands`) holding ``price``, or None."""
    for value, _label, low, high in bands:
        if price >= low and (high is None or price < high):
            return value
    return None


def facet_key(match, request, bands):
    """The :class:`FacetKey` of ``match`` (anything with a :class:`Match`'s attributes) in the
    search ``request``, ``bands`` being :func:`price_bands`."""
    selected = request.price_band
    return FacetKey(
        match.catalog_slug,
        match.catalog,
        match.category_id,
        match.category,
        match.manufacturer,
        band_of(match.price, bands),
        not selected or in_band(match.price, selected),
    )


def key_passes(key, request):
    """Whether the matches of :class:`FacetKey` ``key`` satisfy every filter of ``request``."""
    return (
        (not request.catalog or key.catalog_slug == request.catalog)
        and (not request.category or key.category_id == request.category)
        and (not request.manufacturer or key.manufacturer == request.manufacturer)
        and key.in_price
    )


class SearchBackend:
    """Base class of search backends; subclasses implement :meth:`match`."""

    #: Shown on the results page and by ``search_shell``.
    name = "base"
    #: Whether :meth:`more_like_this` can give anything.
    supports_more_like_this = False

    def match(self, text, limit):
        """Matches for ``text`` in relevance order, at most ``limit`` of them."""
        raise NotImplementedError

    def find(self, request, limit):
        """A :class:`Found` for ``request``'s words: the best ``limit`` matches (``truncated``
        when there were more), grouped by their facet keys in this request. This default lists
        every match from :meth:`match`; engines override it to hand over ids and keys only."""
        matches = self.match(request.text, limit + 1)
        return MatchList(matches[:limit], request, truncated=len(matches) > limit)

    def has_matches(self, text):
        """Whether ``text`` matches anything."""
        return bool(self.match(text, 1))

    def suggest_spelling(self, text):
        """A corrected query for ``text``, or "" when the backend has no suggestion."""
        return ""

    def autocomplete(self, prefix, limit):
        """Up to ``limit`` (name, url) pairs of active products whose name holds every word typed."""
        words = prefix.split()
        if not words:
            return []
        queryset = Product.objects.active()
        for word in words:
            queryset = queryset.filter(name__icontains=word)
        rows = queryset.order_by("name", "id").values_list("name", "slug")[:limit]
        return [(name, reverse("products:detail", kwargs={"slug": slug})) for name, slug in rows]

    def more_like_this(self, product, limit):
        """Up to ``limit`` matches similar to ``product`` (empty when unsupported)."""
        return []

    def highlight(self, text, query):
        """HTML of ``text`` around the query's words with them wrapped in ``<mark>``."""
        return highlight(text, query)

    def search(self, request: SearchRequest) -> SearchOutcome:
        """Run a full search: match, count the filter choices, filter, sort, paginate."""
        found = self.find(request, coleman_settings.SEARCH_MAX_MATCHES)
        facets = facet_counts(found.groups, request)
        allowed = {key for key, _count in found.groups if key_passes(key, request)}
        count = sum(n for key, n in found.groups if key in allowed)
        start = (request.page - 1) * request.per_page
        hits = found.page(request, allowed, start, request.per_page) if count > start else []
        for hit in hits:
            if not hit.highlighted:
                hit.highlighted = self.highlight(hit.text, request.text)
        suggestion = ""
        if request.page == 1:
            suggestion = self.suggest_spelling(request.text)
            if suggestion.strip().lower() == request.text.strip().lower():
                suggestion = ""
            # Each word may be corrected on its own, and the corrected words may never meet in
            # one product: only offer a correction that finds something.
            if suggestion and not self.has_matches(suggestion):
                suggestion = ""
        return SearchOutcome(
            request=request,
            hits=hits,
            count=count,
            truncated=found.truncated,
            suggestion=suggestion,
            facets=facets,
        )


class Found:
    """The matches of one search as an engine hands them over: ``groups``, a list of
    (:class:`FacetKey`, number of matches) pairs, ``truncated``, and :meth:`page`."""

    groups: list
    truncated = False

    def page(self, request, allowed, start, size):
        """Matches ``start`` to ``start + size`` of those whose facet key is in ``allowed``,
        in ``request.sort`` order (relevance; for a price sort, relevance among equal prices)."""
        raise NotImplementedError


class MatchList(Found):
    """Every match as a :class:`Match`, in relevance order (backends with only :meth:`match`)."""

    def __init__(self, matches, request, truncated=False):
        bands = price_bands()
        self.keyed = [(facet_key(m, request, bands), m) for m in matches]
        self.truncated = truncated
        self.groups = list(Counter(key for key, _m in self.keyed).items())

    def page(self, request, allowed, start, size):
        """Filter, sort (stably) and slice the list."""
        selected = [m for key, m in self.keyed if key in allowed]
        return sort_for(request, selected, lambda m: m.price)[start : start + size]


def sort_for(request, items, price):
    """``items`` (in relevance order) sorted as ``request.sort`` asks; ``price`` reads an item's
    price. Stable: relevance order among equal prices."""
    if request.sort == "price":
        return sorted(items, key=price)
    if request.sort == "-price":
        return sorted(items, key=price, reverse=True)
    return items


def attach_stock(hits) -> None:
    """Give each hit its product's current stock, in one query (an index may be behind: stock
    changes with every sale and is not indexed)."""
    if not hits:
        return
    stock = dict(Product.objects.filter(pk__in=[hit.pk for hit in hits]).values_list("pk", "stock"))
    for hit in hits:
        hit.stock = stock.get(hit.pk)


def passes_filters(match, request, *, ignore=None):
    """Whether ``match`` satisfies every filter of ``request`` except the ``ignore`` one."""
    if ignore != "catalog" and request.catalog and match.catalog_slug != request.catalog:
        return False
    if ignore != "category" and request.category and match.category_id != request.category:
        return False
    if ignore != "manufacturer" and request.manufacturer and match.manufacturer != request.manufacturer:
        return False
    if ignore != "price" and request.price_band and not in_band(match.price, request.price_band):
        return False
    return True


def count_facets(matches, request):
    """Choices of each filter with counts for ``matches`` (see :func:`facet_counts`)."""
    bands = price_bands()
    return facet_counts(Counter(facet_key(m, request, bands) for m in matches).items(), request)


def facet_counts(groups, request):
    """Choices of each filter with counts, each counted under the *other* filters, from
    (:class:`FacetKey`, number of matches) pairs.

    Counting a filter without its own selection lets the shopper see what switching to
    another choice would give (the usual faceted-search behaviour).
    """
    catalogs, categories, manufacturers = {}, {}, {}
    category_catalogs = {}
    bands = price_bands()
    band_counts = dict.fromkeys((b[0] for b in bands), 0)
    selected_band = request.price_band
    for match, weight in groups:  # match: a FacetKey
        # One pass: which filters do these matches fail? They count for a filter's choices
        # when they fail no other filter.
        failed = []
        if request.catalog and match.catalog_slug != request.catalog:
            failed.append("catalog")
        if request.category and match.category_id != request.category:
            failed.append("category")
        if request.manufacturer and match.manufacturer != request.manufacturer:
            failed.append("manufacturer")
        if selected_band and not match.in_price:
            failed.append("price")
        if len(failed) > 1:
            continue
        only = failed[0] if failed else None
        if only in (None, "catalog") and match.catalog_slug:
            label, count = catalogs.get(match.catalog_slug, (match.catalog, 0))
            catalogs[match.catalog_slug] = (label, count + weight)
        if only in (None, "category") and match.category_id:
            label, count = categories.get(match.category_id, (match.category, 0))
            categories[match.category_id] = (label, count + weight)
            category_catalogs[match.category_id] = match.catalog
        if only in (None, "manufacturer") and match.manufacturer:
            label, count = manufacturers.get(match.manufacturer, (match.manufacturer, 0))
            manufacturers[match.manufacturer] = (label, count + weight)
        if only in (None, "price") and match.band is not None:
            band_counts[match.band] += weight

    def choices(counts, selected):
        items = [
            FacetChoice(value=str(value), label=label, count=count, selected=str(value) == str(selected))
            for value, (label, count) in counts.items()
        ]
        return sorted(items, key=lambda c: (-c.count, c.label.lower()))

    # Two catalogs may each have a "Desserts": such categories are told apart by their catalog.
    labels = Counter(label for label, _count in categories.values())
    categories = {
        value: (
            gettext("%(category)s in %(catalog)s") % {"category": label, "catalog": category_catalogs[value]}
            if labels[label] > 1 and category_catalogs[value]
            else label,
            count,
        )
        for value, (label, count) in categories.items()
    }
    return {
        "catalog": choices(catalogs, request.catalog),
        "category": choices(categories, request.category or ""),
        "manufacturer": choices(manufacturers, request.manufacturer),
        "price": [
            FacetChoice(value=value, label=label, count=band_counts[value], selected=value == request.price)
            for value, label, _low, _high in bands
            if band_counts[value] or value == request.price
        ],
    }


_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(text):
    """The words of a query, without syntax characters, lower-cased."""
    return [w.lower() for w in _WORD.findall(text)]


class _Marks(dict):
    """Whether a lower-cased word is to be marked for one query (a query word, or sharing a
    stem with one): computed once per word, then looked up."""

    def __init__(self, query):
        super().__init__()
        self.words = set(query_words(query))
        self.stems = {stem(w) for w in self.words}

    def __missing__(self, word):
        marked = self[word] = word in self.words or stem(word) in self.stems
        return marked


# The marks of recent queries (a results page highlights 20 texts for one query).
_marks = functools.lru_cache(maxsize=64)(_Marks)


def highlight(text, query, *, max_length=220):
    """Escaped excerpt of ``text`` with words of ``query`` (and their stems) in ``<mark>``.

    Stem-aware when Whoosh is importable (so "cranberries" marks "cranberry"); otherwise
    marks exact words.
    """
    if not text:
        return ""
    marks = _marks(query)
    first = next((t for t in _WORD.finditer(text) if marks[t.group().lower()]), None)
    start = 0
    if first is not None and first.start() > max_length // 3:
        start = text.rfind(" ", 0, first.start() - max_length // 3) + 1
    end = start + max_length
    excerpt = text[start:end]
    out, position = [], 0
    for token in _WORD.finditer(excerpt):
        if marks[token.group().lower()]:
            out.append(html.escape(excerpt[position : token.start()]))
            out.append(f"<mark>{html.escape(token.group())}</mark>")
            position = token.end()
    out.append(html.escape(excerpt[position:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece is escaped above
