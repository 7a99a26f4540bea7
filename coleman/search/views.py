"""The search results page and the autocomplete endpoint."""

import logging

from django.http import Http404, JsonResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coleman.conf import coleman_settings
from coleman.products.cache import cached_fragment
from coleman.products.page_cache import WholePageCacheMixin

from .backends import get_backend
from .backends.base import SORT_CHOICES, attach_stock
from .exceptions import BackendUnavailable
from .forms import SearchForm

logger = logging.getLogger("coleman.search")

FILTER_PARAMS = ("catalog", "category", "manufacturer", "price")


def outcome_key(search_request) -> tuple:
    """What makes one search differ from another: its words (spaces and case do not count),
    filters, sort and page."""
    request = search_request
    text = " ".join(request.text.split()).casefold()
    return (text, request.catalog, request.category, request.manufacturer, request.price, request.sort, request.page)


class SearchView(WholePageCacheMixin, TemplateView):
    """``/search/?q=``: results with highlights, filters with counts, sorting and pages.

    A search's outcome (matches, filter counts, the page of hits) is cached under the catalog
    version, which every catalog edit and every index update changes; the whole results page
    is cached too, per query string, like the catalog pages (for first visits, returning
    shoppers and customers, with their CSRF token and cart summary filled in).
    """

    template_name = "search/search.html"

    def page_identity(self, request):
        """The path and every parameter (links on the page repeat them all), sorted."""
        return (request.path, *sorted((name, tuple(values)) for name, values in request.GET.lists()))

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        context = self.get_context_data(form=form, sort_choices=SORT_CHOICES.items())
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        search_request = form.search_request()
        context["query"] = search_request.text
        if not search_request.text:
            return self.render_to_response(context)
        backend = get_backend()
        try:
            outcome = cached_fragment(
                ("search", backend.name, outcome_key(search_request)), lambda: backend.search(search_request)
            )
            outcome.request = search_request
        except BackendUnavailable:
            logger.exception("Search backend %s is unavailable", backend.name)
            context["unavailable"] = True
            return self.render_to_response(context, status=503)
        if search_request.page > outcome.num_pages:
            raise Http404("No such page of results.")
        self._link_facets(outcome)
        attach_stock(outcome.hits)
        context.update(
            outcome=outcome,
            backend=backend,
            query_prefix=self._querystring(exclude=("page",)),
            sort_prefix=self._querystring(exclude=("page", "sort")),
            filtered=any(request.GET.get(p) for p in FILTER_PARAMS),
            clear_filters_url="?" + self._querystring(exclude=("page", *FILTER_PARAMS)),
        )
        return self.render_to_response(context)

    def _querystring(self, exclude=(), **changes):
        params = {k: v for k, v in self.request.GET.items() if k not in exclude and v}
        params.update({k: v for k, v in changes.items() if v})
        for k, v in changes.items():
            if not v:
                params.pop(k, None)
        return urlencode(params)

    def _link_facets(self, outcome):
        """Give each filter choice the URL that selects it (or clears it when selected)."""
        for name, choices in outcome.facets.items():
            for choice in choices:
                value = "" if choice.selected else choice.value
                changes = {name: value}
                if name == "catalog" and value:
                    changes["category"] = ""  # a category of another catalog would match nothing
                choice.url = "?" + self._querystring(exclude=("page",), **changes)


class AutocompleteView(View):
    """``/search/autocomplete/?q=cra`` → ``{"results": [{"name": …, "url": …}]}`` for the search box."""

    def get(self, request):
        prefix = request.GET.get("q", "").replace("\x00", "").strip()
        if len(prefix) > coleman_settings.SEARCH_MAX_QUERY_LENGTH:
            return JsonResponse({"error": _("Query too long.")}, status=400)
        try:
            pairs = get_backend().autocomplete(prefix, coleman_settings.SEARCH_AUTOCOMPLETE_LIMIT)
        except BackendUnavailable:
            logger.exception("Autocomplete failed")
            pairs = []
        response = JsonResponse({"query": prefix, "results": [{"name": n, "url": u} for n, u in pairs]})
        response["Cache-Control"] = "max-age=60"
        return response
