"""Pages of a product listing: the page number a shopper asked for, and that page read cheaply."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext

from coleman.conf import coleman_settings

from .cache import fragment_key, get_fragment, set_fragment
from .models import Product

# Page numbers longer than this are refused before they reach the database.
MAX_PAGE_DIGITS = 6


class KnownCountPaginator(Paginator):
    """A paginator told the number of objects instead of counting them again, and offering
    at most ``max_pages`` pages (0: all)."""

    def __init__(self, object_list, per_page, *, count, max_pages=0, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count
        self._max_pages = max_pages

    @cached_property
    def count(self):
        """The number of objects the paginator was given."""
        return self._known_count

    @cached_property
    def num_pages(self):
        """The number of pages, at most ``max_pages``."""
        pages = super().num_pages
        return min(pages, self._max_pages) if self._max_pages else pages


def page_number_from(request) -> int:
    """The ``page`` query parameter as a positive number; anything else is a 404."""
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS) or int(raw) < 1:
        raise Http404(gettext("No such page."))
    return int(raw)


def cached_count(queryset, *count_key) -> int:
    """``queryset.count()``, cached under the catalog version and ``count_key``.

    The count is the one costly query of pagination on a large catalog: cached, it is paid
    once per listing, not once per page.
    """
    key = fragment_key("count", *count_key)
    count = get_fragment(key)
    if count is None:
        count = queryset.count()
        set_fragment(key, count)
    return count


def paginate_products(queryset, page_number, *, count_key):
    """The page ``page_number`` of the product ``queryset`` as template context (``Http404``
    past the end): ``paginator``, ``page_obj``, ``is_paginated`` and ``products``.

    ``count_key`` names the listing (``("catalog", pk)``…) for :func:`cached_count`. The
    products of the page are then read by primary key with what a product card shows.
    """
    count = cached_count(queryset, *count_key)
    paginator = KnownCountPaginator(
        queryset, coleman_settings.PRODUCTS_PER_PAGE, count=count, max_pages=coleman_settings.PRODUCTS_MAX_PAGES
    )
    try:
        page = paginator.page(page_number)
    except InvalidPage as exc:
        raise Http404(gettext("No such page.")) from exc
    # A deferred join: find the page's ids in the (covering) listing index first, then read
    # those rows with their category and catalog. With OFFSET in the first query only, a
    # deep page costs an index walk instead of thousands of joined rows thrown away.
    start = (page.number - 1) * paginator.per_page
    ids = list(queryset.values_list("pk", flat=True)[start : start + paginator.per_page])
    position = {pk: index for index, pk in enumerate(ids)}
    rows = Product.objects.for_listing().filter(pk__in=ids).order_by()
    page.object_list = sorted(rows, key=lambda product: position[product.pk])
    return {
        "paginator": paginator,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "products": page.object_list,
    }
