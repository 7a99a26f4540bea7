"""Whoosh searchers kept open between searches, with the facet keys of every document.

Opening a searcher reads every segment's files (ten segments after ``rebuild_index`` in
batches of 1,000), and reading a hit's stored fields unpickles all of them: together they
were most of a search's time. Each thread keeps one open searcher per index and reopens it only
when the index's table of contents changed; for
each segment what the filters read of every document (catalog, category, manufacturer,
price) is read once, so a search counts its filter choices from document numbers alone and
reads stored fields only for the page it shows.
"""

from __future__ import annotations

import threading
from collections import Counter

from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.utils import get_model_ct
from whoosh.index import TOC
from whoosh.searching import Searcher
from whoosh.support.levenshtein import distance

from coleman.core.money import to_money
from coleman.products.models import Product

from .base import FacetKey, Found, Match, band_of, in_band, price_bands, sort_for

_local = threading.local()


def stored_key(fields):
    """What the filters read of a Whoosh document's stored fields: ((catalog slug, catalog,
    category id, category, manufacturer), price)."""
    category_id = fields.get("category_id")
    return (
        (
            fields.get("catalog_slug") or "",
            fields.get("catalog") or "",
            int(category_id) if category_id not in (None, "") else None,
            fields.get("category") or "",
            fields.get("manufacturer") or "",
        ),
        to_money(fields.get("price") or 0),
    )


def match_from_fields(fields, score):
    """A :class:`Match` from the stored fields of a Whoosh hit."""
    (catalog_slug, catalog, category_id, category, manufacturer), price = stored_key(fields)
    return Match(
        pk=int(fields[DJANGO_ID]),
        name=fields.get("name") or "",
        slug=fields.get("slug") or "",
        price=price,
        photo=fields.get("photo") or "",
        category_id=category_id,
        category=category,
        catalog_slug=catalog_slug,
        catalog=catalog,
        manufacturer=manufacturer,
        text=fields.get("description") or "",
        score=float(score or 0.0),
    )


def segment_table(segment_reader):
    """([(key, price) or None] by document number of one segment (see :func:`stored_key`;
    None: not a product, or deleted), the number of its live documents that are not products)."""
    product_ct = get_model_ct(Product)
    table = [None] * segment_reader.doc_count_all()
    interned, others = {}, 0
    for docnum, fields in segment_reader.iter_docs():
        if fields.get(DJANGO_CT) == product_ct:
            key, price = stored_key(fields)
            table[docnum] = (interned.setdefault(key, key), price)
        else:
            others += 1
    return table, others


class OpenIndex:
    """One thread's searcher on one index, with what the filters read of every document.

    ``key_ids[docnum]`` indexes ``keys`` (-1: not a product), ``prices[docnum]`` is its price
    and ``base_ids[docnum]`` combines its key and configured price band (see :meth:`use_bands`).
    A segment's documents are read once, segments being immutable but for deletions (a deleted
    document never matches).
    """

    def __init__(self):
        self.version = None
        self.searcher = None
        self.segment_tables = {}
        self.keys = []
        self.key_ids = []
        self.prices = []
        self.all_products = True
        self.products = None
        self.bands = None
        self.base_ids = []
        self.vocabularies = {}

    def refresh(self, index):
        """Reopen the searcher if ``index`` changed since it was opened (or it never was)."""
        version = index_version(index)
        if version is not None and version == self.version:
            return
        # A fresh reader: one re-using the old segment readers would keep their old deletions.
        reader = index.reader()
        self.searcher = Searcher(reader, fromindex=index)
        self.version = version
        tables, by_doc, others = {}, [None] * reader.doc_count_all(), 0
        for segment_reader, offset in reader.leaf_readers():
            segment = segment_reader.segment()
            segment_id = segment.segment_id() if segment is not None else None
            found = self.segment_tables.get(segment_id) if segment_id is not None else None
            if found is None:
                found = segment_table(segment_reader)
            if segment_id is not None:
                tables[segment_id] = found
            table, segment_others = found
            by_doc[offset : offset + len(table)] = table
            others += segment_others
        self.segment_tables = tables
        ids = {}
        self.key_ids = [-1 if row is None else ids.setdefault(row[0], len(ids)) for row in by_doc]
        self.prices = [None if row is None else row[1] for row in by_doc]
        self.keys = list(ids)
        # Deleted documents never match: only live documents of other models need filtering out.
        self.all_products = not others
        self.products = None
        self.bands = None
        self.vocabularies = {}

    def product_docs(self):
        """The document numbers of the products (a filter for Whoosh when the index holds
        documents of other models too), made once per opened index."""
        if self.products is None:
            self.products = {d for d, key_id in enumerate(self.key_ids) if key_id >= 0}
        return self.products

    def use_bands(self, bands):
        """Make ``base_ids`` for these price bands: key id × (bands + 1) + the index of the
        price's band (len(bands): none); -1 for documents that are not products."""
        values = tuple(b[0] for b in bands)
        if self.bands == values:
            return
        span = len(values) + 1
        band_index = {value: n for n, value in enumerate(values)}
        self.base_ids = [
            -1 if key_id < 0 else key_id * span + band_index.get(band_of(price, bands), span - 1)
            for key_id, price in zip(self.key_ids, self.prices, strict=True)
        ]
        self.bands = values

    def suggest(self, fieldname, text, maxdist=2):
        """Whoosh's ``reader.corrector(fieldname).suggest(text, limit=1, maxdist=maxdist)``,
        the same answer, without computing the edit distance to every word of the index.

        Whoosh scores every word of the spelling field within ``maxdist`` edits by its
        frequency alone (then the greater word wins a tie). A word needs at least
        ``max(len) - maxdist`` letters in common with ``text`` to be that close (each edit
        changes the letters in common or the longer length by one at most), so the distance
        is only computed for words passing that count, made from a per-letter index of the
        field's words built once per opened index.
        """
        reader = self.searcher.reader()
        spelling_field = reader.schema[fieldname].spelling_fieldname(fieldname)
        vocabulary = self.vocabularies.get(spelling_field)
        if vocabulary is None:
            vocabulary = self.vocabularies[spelling_field] = Vocabulary(reader, spelling_field)
        best = None
        for word in vocabulary.near(text, maxdist):
            if distance(word, text, limit=maxdist) <= maxdist:
                item = (0 - (maxdist + (1.0 / (vocabulary.frequency(fieldname, word) or 1) * 0.5)), word)
                if best is None or item > best:
                    best = item
        return [best[1]] if best else []


class Vocabulary:
    """The words of one field of a reader, indexed by letter (for :meth:`OpenIndex.suggest`)."""

    def __init__(self, reader, fieldname):
        self.reader = reader
        self.frequencies = {}
        field = reader.schema[fieldname]
        self.words = [field.from_bytes(term) for term in reader.lexicon(fieldname)]
        self.lengths = [len(word) for word in self.words]
        self.by_letter = {}
        for number, word in enumerate(self.words):
            for letter, count in Counter(word).items():
                self.by_letter.setdefault(letter, []).append((number, count))

    def frequency(self, fieldname, word):
        """``reader.frequency(fieldname, word)``, remembered."""
        key = (fieldname, word)
        if key not in self.frequencies:
            self.frequencies[key] = self.reader.frequency(fieldname, word)
        return self.frequencies[key]

    def near(self, text, maxdist):
        """The words that may lie within ``maxdist`` edits of ``text`` (a superset)."""
        length = len(text)
        common = Counter()
        for letter, wanted in Counter(text).items():
            for number, count in self.by_letter.get(letter, ()):
                common[number] += min(count, wanted)
        words, lengths = self.words, self.lengths
        if length <= maxdist:  # even a word with no letter in common may be close enough
            close = (n for n, size in enumerate(lengths) if max(size, length) - common[n] <= maxdist)
        else:
            close = (n for n, shared in common.items() if max(lengths[n], length) - shared <= maxdist)
        return [words[n] for n in close]


def index_version(index):
    """What tells one state of ``index`` from another: its latest generation and the bytes of
    that generation's table of contents (which names its segments; a cleared and rebuilt index
    starts again at generation 0 with new segment ids). None when it cannot be read."""
    generation = index.latest_generation()
    if generation < 0:
        return None
    try:
        with index.storage.open_file(TOC._filename(index.indexname, generation)) as toc:
            return generation, toc.read()
    except OSError:  # replaced by a writer between the listing and the read
        return None


def open_index(index) -> OpenIndex:
    """This thread's :class:`OpenIndex` on ``index`` (a Whoosh ``FileIndex``), current."""
    opened = getattr(_local, "indexes", None)
    if opened is None:
        opened = _local.indexes = {}
    storage = index.storage
    key = (getattr(storage, "folder", None) or id(storage), index.indexname)
    state = opened.get(key)
    if state is None:
        state = opened[key] = OpenIndex()
    state.refresh(index)
    return state


class WhooshFound(Found):
    """The matches of a parsed query as (document number, score), best first, from one
    scored pass of Whoosh (the order of Haystack's Whoosh backend: score, then document
    number), grouped by facet key from the open index's tables; stored fields are read for
    the page only."""

    def __init__(self, state: OpenIndex, query, request, limit):
        self.state = state
        bands = price_bands()
        state.use_bands(bands)
        base_ids = state.base_ids
        results = state.searcher.search(query, limit=None, filter=None if state.all_products else state.product_docs())
        ranked = [(docnum, score) for score, docnum in results.top_n]
        self.truncated = len(ranked) > limit
        self.ranked = ranked[:limit]
        selected, prices = request.price_band, state.prices
        if selected:
            self.group_ids = [base_ids[d] * 2 + in_band(prices[d], selected) for d, _score in self.ranked]
        else:
            self.group_ids = [base_ids[d] for d, _score in self.ranked]
        span = len(bands) + 1
        self.key_of_group = {}
        self.groups = []
        for group_id, count in Counter(self.group_ids).items():
            base_id, in_price = divmod(group_id, 2) if selected else (group_id, 1)
            key_id, band = divmod(base_id, span)
            key = FacetKey(*state.keys[key_id], bands[band][0] if band < len(bands) else None, bool(in_price))
            self.key_of_group[group_id] = key
            self.groups.append((key, count))

    def page(self, request, allowed, start, size):
        """The allowed matches in relevance order (or sorted by price), sliced; their stored
        fields read."""
        ranked = self.ranked
        if len(allowed) < len(self.groups):
            allowed_groups = {g for g, key in self.key_of_group.items() if key in allowed}
            ranked = [pair for pair, g in zip(ranked, self.group_ids, strict=True) if g in allowed_groups]
        prices = self.state.prices
        ranked = sort_for(request, ranked, lambda pair: prices[pair[0]])[start : start + size]
        stored_fields = self.state.searcher.stored_fields
        return [match_from_fields(stored_fields(docnum), score) for docnum, score in ranked]
