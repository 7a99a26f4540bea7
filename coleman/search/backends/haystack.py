"""Search through Haystack (Whoosh by default; Xapian, Solr or Elasticsearch by settings).

Results come from the index's stored fields, so a results page needs no database query
per result; spelling suggestions, autocomplete (the ``name_auto`` edge n-gram field) and
"more like this" come from the engine.
"""

import logging

from django.urls import reverse
from haystack import connections
from haystack.exceptions import SearchBackendError
from haystack.inputs import AutoQuery
from haystack.query import SearchQuerySet

try:  # Whoosh is the default engine, but a site on Solr or Xapian may not install it
    from haystack.backends.whoosh_backend import WhooshSearchBackend

    from .whoosh_index import WhooshFound, match_from_fields, open_index
except ImportError:  # pragma: no cover
    WhooshSearchBackend = None

from coleman.core.money import to_money
from coleman.products.models import Product

from ..exceptions import BackendUnavailable
from .base import Match, MatchList, SearchBackend, query_words

logger = logging.getLogger("coleman.search")


def match_from_result(result):
    """A :class:`Match` from a Haystack ``SearchResult`` (stored fields only, no query)."""
    return Match(
        pk=int(result.pk),
        name=result.name or "",
        slug=result.slug or "",
        price=to_money(result.price or 0),
        photo=result.photo or "",
        category_id=int(result.category_id) if result.category_id is not None else None,
        category=result.category or "",
        catalog_slug=result.catalog_slug or "",
        catalog=result.catalog or "",
        manufacturer=result.manufacturer or "",
        text=result.description or "",
        score=float(result.score or 0.0),
    )


class HaystackSearchBackend(SearchBackend):
    """Queries Haystack's ``default`` connection (or :attr:`using`)."""

    name = "haystack"
    using = "default"

    def __init__(self, using=None):
        self.using = using or self.using
        engine = connections[self.using].options.get("ENGINE", "")
        module = engine.rsplit(".", 2)[-2] if engine.count(".") >= 2 else engine
        self.name = f"haystack ({module.replace('_backend', '')})" if engine else "haystack"

    @property
    def supports_more_like_this(self):
        """Whoosh, Xapian, Solr and Elasticsearch backends implement it; the simple one does not."""
        return not connections[self.using].options.get("ENGINE", "").endswith("simple_backend.SimpleEngine")

    def queryset(self):
        """Products on this connection."""
        return SearchQuerySet(using=self.using).models(Product)

    def match(self, text, limit):
        """Matches of the Haystack query ``text`` (quotes for phrases, ``-word`` to exclude)."""
        if not text.strip():
            return []
        try:
            whoosh = self._whoosh_query(text)
            if whoosh is not None:
                state, parsed = whoosh
                if parsed is None or not limit:
                    return []
                products = None if state.all_products else state.product_docs()
                results = state.searcher.search(parsed, limit=limit, filter=products)
                return [match_from_fields(state.searcher.stored_fields(d), score) for score, d in results.top_n]
            queryset = self.queryset().filter(content=AutoQuery(text))
            return [match_from_result(r) for r in queryset[:limit] if r is not None]
        except SearchBackendError as error:
            raise BackendUnavailable(str(error)) from error

    def find(self, request, limit):
        """On Whoosh, the matching document numbers from this thread's open searcher, grouped
        by the facet keys read once per segment (see :mod:`.whoosh_index`); stored fields are
        read for the page only. Other engines list every match (:meth:`match`)."""
        if request.text.strip():
            try:
                whoosh = self._whoosh_query(request.text)
            except SearchBackendError as error:
                raise BackendUnavailable(str(error)) from error
            if whoosh is not None:
                state, parsed = whoosh
                if parsed is None:
                    return MatchList([], request)
                return WhooshFound(state, parsed, request, limit)
        return super().find(request, limit)

    def has_matches(self, text):
        """Whether ``text`` matches a product (on Whoosh without scoring anything)."""
        whoosh = self._whoosh_query(text) if text.strip() else None
        if whoosh is None:
            return super().has_matches(text)
        state, parsed = whoosh
        key_ids = state.key_ids
        return parsed is not None and any(key_ids[d] >= 0 for d in state.searcher.docs_for_query(parsed))

    def _whoosh_backend(self):
        """Haystack's Whoosh backend of this connection, set up; None on another engine."""
        backend = connections[self.using].get_backend()
        if WhooshSearchBackend is None or not isinstance(backend, WhooshSearchBackend):
            return None
        if not backend.setup_complete:
            backend.setup()
        return backend

    def _whoosh_query(self, text):
        """(open index, parsed query or None) for Haystack's query string of ``text`` on
        Whoosh, or None on another engine: the same query and scoring as Haystack's Whoosh
        backend, without its per-search reader opening, scan of every product document (to
        narrow by model) and per-result object building."""
        backend = self._whoosh_backend()
        if backend is None:
            return None
        state = open_index(backend.index)
        if not state.searcher.doc_count():
            return state, None
        query_string = self.queryset().filter(content=AutoQuery(text)).query.build_query()
        return state, backend.parser.parse(query_string)

    def search(self, request):
        """The shared search, then one query to drop hits deactivated since they were indexed.

        With real-time indexing the index is current; this guards the page when it is not
        (``COLEMAN_SEARCH_REALTIME = False`` between two ``update_index`` runs).
        """
        outcome = super().search(request)
        outcome.hits = only_active(outcome.hits)
        return outcome

    def suggest_spelling(self, text):
        """The engine's spelling correction (Whoosh and Xapian with ``INCLUDE_SPELLING``)."""
        if not connections[self.using].options.get("INCLUDE_SPELLING"):
            return ""
        try:
            backend = connections[self.using].get_backend()
            if hasattr(backend, "create_spelling_suggestion") and hasattr(backend, "index"):
                return self._whoosh_suggestion(backend, text)
            suggestion = self.queryset().filter(content=AutoQuery(text)).spelling_suggestion(text)
        except Exception:  # an engine without suggestions must not break the results page
            logger.warning("Spelling suggestion failed for %r", text, exc_info=True)
            return ""
        return suggestion or ""

    def _whoosh_suggestion(self, backend, text):
        """Word by word: keep words the index knows, replace unknown ones by the closest known word."""
        if not backend.setup_complete:
            backend.setup()
        state = open_index(backend.index)
        reader = state.searcher.reader()
        field = backend.content_field_name
        spelling_field = reader.schema[field].spelling_fieldname(field)
        words, changed = [], False
        for word in query_words(text):
            if len(word) < 3 or (spelling_field, word) in reader:
                words.append(word)
                continue
            suggestions = state.suggest(field, word)
            if suggestions and suggestions[0] != word:
                words.append(suggestions[0])
                changed = True
            else:
                words.append(word)
        return " ".join(words) if changed else ""

    def autocomplete(self, prefix, limit):
        """Names starting (word by word) with ``prefix``, from the edge n-gram field."""
        if len(prefix.strip()) < 2:
            return []
        results = self.queryset().autocomplete(name_auto=prefix)[:limit]
        return [(r.name, reverse("products:detail", kwargs={"slug": r.slug})) for r in results if r]

    def more_like_this(self, product, limit):
        """Products whose documents resemble ``product``'s, from the engine."""
        if not self.supports_more_like_this:
            return []
        results = self.queryset().more_like_this(product)[:limit]
        return only_active([match_from_result(r) for r in results if r is not None and int(r.pk) != product.pk])


def only_active(matches):
    """``matches`` without products no longer active (one query; none for an empty list)."""
    if not matches:
        return matches
    active = set(Product.objects.active().filter(pk__in=[m.pk for m in matches]).values_list("pk", flat=True))
    return [m for m in matches if m.pk in active]
