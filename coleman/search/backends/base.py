"""What every search backend returns, and the work they share.

A backend turns the shopper's words into *matches*: light rows (id, name, slug, price,
photo, category, catalog, manufacturer, a text for highlighting, a relevance score) in
relevance order. Filtering by catalog, category, manufacturer and price, the counts beside
each filter choice, sorting and pagination are then done here, once, on those rows, so
every engine offers the same page and no engine needs faceting of its own (Haystack's
Whoosh backend has none).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

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


SORT_CHOICES = {
    "relevance": _("Best match"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
}


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


class SearchBackend:
    """Base class of search backends; subclasses implement :meth:`match`."""

    #: Shown on the results page and by ``search_shell``.
    name = "base"
    #: Whether :meth:`more_like_this` can give anything.
    supports_more_like_this = False

    def match(self, text, limit):
        """Matches for ``text`` in relevance order, at most ``limit`` of them."""
        raise NotImplementedError

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
        limit = coleman_settings.SEARCH_MAX_MATCHES
        matches = self.match(request.text, limit + 1)
        truncated = len(matches) > limit
        matches = matches[:limit]
        facets = count_facets(matches, request)
        selected = [m for m in matches if passes_filters(m, request)]
        if request.sort == "price":
            selected.sort(key=lambda m: m.price)
        elif request.sort == "-price":
            selected.sort(key=lambda m: m.price, reverse=True)
        start = (request.page - 1) * request.per_page
        hits = selected[start : start + request.per_page]
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
            if suggestion and not self.match(suggestion, 1):
                suggestion = ""
        return SearchOutcome(
            request=request,
            hits=hits,
            count=len(selected),
            truncated=truncated,
            suggestion=suggestion,
            facets=facets,
        )


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
    """Choices of each filter with counts, each counted under the *other* filters.

    Counting a filter without its own selection lets the shopper see what switching to
    another choice would give (the usual faceted-search behaviour).
    """
    catalogs, categories, manufacturers = {}, {}, {}
    category_catalogs = {}
    bands = price_bands()
    band_counts = dict.fromkeys((b[0] for b in bands), 0)
    selected_band = request.price_band
    for match in matches:
        # One pass: which filters does this match fail? A match counts for a filter's choices
        # when it fails no other filter.
        failed = []
        if request.catalog and match.catalog_slug != request.catalog:
            failed.append("catalog")
        if request.category and match.category_id != request.category:
            failed.append("category")
        if request.manufacturer and match.manufacturer != request.manufacturer:
            failed.append("manufacturer")
        if selected_band and not in_band(match.price, selected_band):
            failed.append("price")
        if len(failed) > 1:
            continue
        only = failed[0] if failed else None
        if only in (None, "catalog") and match.catalog_slug:
            label, count = catalogs.get(match.catalog_slug, (match.catalog, 0))
            catalogs[match.catalog_slug] = (label, count + 1)
        if only in (None, "category") and match.category_id:
            label, count = categories.get(match.category_id, (match.category, 0))
            categories[match.category_id] = (label, count + 1)
            category_catalogs[match.category_id] = match.catalog
        if only in (None, "manufacturer") and match.manufacturer:
            label, count = manufacturers.get(match.manufacturer, (match.manufacturer, 0))
            manufacturers[match.manufacturer] = (label, count + 1)
        if only in (None, "price"):
            for value, _label, low, high in bands:
                if match.price >= low and (high is None or match.price < high):
                    band_counts[value] += 1
                    break

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


def highlight(text, query, *, max_length=220):
    """Escaped excerpt of ``text`` with words of ``query`` (and their stems) in ``<mark>``.

    Stem-aware when Whoosh is importable (so "cranberries" marks "cranberry"); otherwise
    marks exact words.
    """
    if not text:
        return ""
    words = set(query_words(query))
    stems = {stem(w) for w in words}
    tokens = list(re.finditer(r"\w+", text))
    first = next((t for t in tokens if t.group().lower() in words or stem(t.group().lower()) in stems), None)
    start = 0
    if first is not None and first.start() > max_length // 3:
        start = text.rfind(" ", 0, first.start() - max_length // 3) + 1
    end = start + max_length
    excerpt = text[start:end]
    out, position = [], 0
    for token in re.finditer(r"\w+", excerpt):
        word = token.group().lower()
        if word in words or stem(word) in stems:
            out.append(html.escape(excerpt[position : token.start()]))
            out.append(f"<mark>{html.escape(token.group())}</mark>")
            position = token.end()
    out.append(html.escape(excerpt[position:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece is escaped above
