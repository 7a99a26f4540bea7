"""Storefront views of the catalog: home, product list and detail, catalogs and categories.

Speed comes from three rules:

* Every view reads a fixed number of queries whatever the size of the catalog: the categories
  of a catalog are read in one query and assembled into a tree in Python, product cards come
  with their category and catalog through ``select_related``, product lists are read in
  index order.
* The shared part of each page (product grid, pagination, category tree, title and
  breadcrumbs; on the product page its photo, price, description and attributes) is rendered
  once and cached under the catalog version (:mod:`coleman.products.cache`); a cached page
  costs no query. The page frame (``base.html``: header with account links and cart summary,
  messages) and the product page's include hooks (add-to-cart form with its CSRF token, the
  shopper's own rating) are rendered for each request, so what belongs to one shopper stays
  live.
* Visitors who send no cookie at all (no session, cart, login or messages: the same page for
  everyone) get the whole page from the cache, with a CSRF token of their own filled in
  (:class:`AnonymousPageCacheMixin`).
"""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.generic import DetailView, TemplateView

from coleman.conf import coleman_settings

from .cache import cached_fragment, fragment_key
from .models import Catalog, Product, ProductDetail

# Page numbers longer than this are refused before they reach the database.
MAX_PAGE_DIGITS = 6
# Separates the parts in products/_product_parts.html.
PART_MARKER = re.compile(r"<!--part:(\w+)-->")


class CategoryTree:
    """The categories of one catalog as a tree, built from a single query."""

    def __init__(self, catalog):
        self.catalog = catalog
        categories = list(catalog.categories.order_by("name", "id"))
        self.by_id = {category.id: category for category in categories}
        self.by_slug = {category.slug: category for category in categories}
        for category in categories:
            category.catalog = catalog  # avoid one query per category in __str__/urls
            category.child_nodes = []
        self.roots = []
        for category in categories:
            parent = self.by_id.get(category.parent_id)
            if parent is None:
                self.roots.append(category)
            else:
                category.parent = parent
                parent.child_nodes.append(category)

    def descendant_ids(self, category):
        """Ids of ``category`` and every category below it."""
        ids, stack = [], [self.by_id[category.id]]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.child_nodes)
        return sorted(ids)

    def ancestors(self, category):
        """The chain of parents of ``category``, root first (for breadcrumbs)."""
        chain, node = [], self.by_id[category.id].parent if category.parent_id else None
        while node is not None:
            chain.append(node)
            node = node.parent if node.parent_id else None
        return list(reversed(chain))


class KnownCountPaginator(Paginator):
    """A paginator told the number of objects instead of counting them again."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def page_number_from(request) -> int:
    """The ``page`` query parameter as a positive number; anything else is a 404."""
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS) or int(raw) < 1:
        raise Http404("No such page.")
    return int(raw)


def paginate(queryset, page_number, *, count_key):
    """The page ``page_number`` of ``queryset`` (``Http404`` past the end).

    The count, the one costly query of pagination on a large catalog, is cached under the
    catalog version and ``count_key``, so it is paid once per listing, not once per page.
    The products of the page are then read by primary key with what a product card shows.
    """
    count_cache_key = fragment_key("count", *count_key)
    count = cache.get(count_cache_key)
    if count is None:
        count = queryset.count()
        cache.set(count_cache_key, count, coleman_settings.CATALOG_CACHE_SECONDS)
    paginator = KnownCountPaginator(queryset, coleman_settings.PRODUCTS_PER_PAGE, count=count)
    try:
        page = paginator.page(page_number)
    except InvalidPage as exc:
        raise Http404("No such page.") from exc
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


# Stands for the CSRF token in stored pages; each visitor's own token replaces it when the
# page is served.
CSRF_TOKEN_PLACEHOLDER = "__coleman_csrf_token__"  # noqa: S105 - a marker, not a secret
CSRF_TOKEN_IN_FORM = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


class AnonymousPageCacheMixin:
    """Serve whole pages from the cache to visitors who send no cookie at all.

    A request without cookies has no session, no cart, no login and no messages, so every
    such visitor gets the same page: it is cached whole (under the catalog version, the path
    and the page number) and served without rendering a template. A page is only stored when
    rendering it set nothing personal: no cookie on the response, no session change, no
    message, no login. The one personal thing a page may carry is the CSRF token of its forms
    ("Add to cart", rating): it is stored as a placeholder and every visitor gets a token of
    their own (and the CSRF cookie that goes with it) when the page is served. Everyone else
    gets the page built for them from the cached fragments.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return super().dispatch(request, *args, **kwargs)
        key = fragment_key("anonymous-page", request.path, request.GET.get("page", ""))
        cached = cache.get(key)
        if cached is not None:
            content, content_type, has_csrf_token = cached
            if has_csrf_token:
                content = content.replace(CSRF_TOKEN_PLACEHOLDER.encode(), get_token(request).encode())
            response = HttpResponse(content, content_type=content_type)
            patch_vary_headers(response, ["Cookie"])  # as the rendered page would say
            return response
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "render"):
            response.render()
            if self._is_the_same_for_every_visitor(request, response):
                has_csrf_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
                content = response.content
                if has_csrf_token:
                    content = CSRF_TOKEN_IN_FORM.sub(rb"\g<1>" + CSRF_TOKEN_PLACEHOLDER.encode() + rb"\g<2>", content)
                cache.set(
                    key, (content, response["Content-Type"], has_csrf_token), coleman_settings.CATALOG_CACHE_SECONDS
                )
        return response

    @staticmethod
    def _is_the_same_for_every_visitor(request, response):
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        user = getattr(request, "user", None)
        return not (
            response.cookies
            or (session is not None and session.modified)
            or (messages is not None and len(messages))
            or (user is not None and user.is_authenticated)
        )


@dataclass
class CatalogFragment:
    """The cacheable part of a catalog page: rendered HTML plus what the page frame shows."""

    title: str
    html: SafeString
    breadcrumbs: list[tuple[str, str | None]] = field(default_factory=list)
    meta_description: str = ""


class CachedFragmentView(TemplateView):
    """A page whose main content is a :class:`CatalogFragment` served from the cache.

    Subclasses say what identifies the fragment (:meth:`get_fragment_parts`), gather its
    context with queries (:meth:`get_fragment_context`, which may raise ``Http404``) and
    describe it (:meth:`describe_fragment`). The page template gets ``fragment`` and renders
    it inside ``base.html``.
    """

    fragment_template_name: str = ""

    def get(self, request, *args, **kwargs):
        parts = (type(self).__name__, *self.get_fragment_parts())
        fragment = cached_fragment(parts, self.build_fragment)
        return self.render_to_response(self.get_context_data(fragment=fragment))

    def get_fragment_parts(self):
        """What, besides the view, makes this fragment differ (slugs, page number)."""
        return tuple(self.kwargs.values())

    def get_fragment_context(self) -> dict:
        """Query and return the context of the fragment template."""
        raise NotImplementedError

    def describe_fragment(self, context) -> dict:
        """``title``, ``breadcrumbs`` and ``meta_description`` of the fragment."""
        raise NotImplementedError

    def build_fragment(self) -> CatalogFragment:
        """Render the fragment from fresh queries."""
        context = self.get_fragment_context()
        html = render_to_string(self.fragment_template_name, context, self.request)
        description = self.describe_fragment(context)
        description["meta_description"] = Truncator(description.get("meta_description", "")).words(30)
        return CatalogFragment(html=SafeString(html), **description)


class HomeView(AnonymousPageCacheMixin, CachedFragmentView):
    """The front page: catalogs, newest products and featured products."""

    template_name = "products/home.html"
    fragment_template_name = "products/_home_content.html"

    def get_fragment_context(self):
        count = coleman_settings.HOME_NEW_PRODUCTS
        listing = Product.objects.for_listing()
        return {
            "catalogs": list(Catalog.objects.all()),
            "new_products": list(listing.order_by("-created", "-id")[:count]),
            "featured_products": list(listing.filter(is_featured=True).order_by("name", "id")[:count]),
        }

    def describe_fragment(self, context):
        return {"title": "Cranberry foods, drinks and gifts"}


class ProductListView(AnonymousPageCacheMixin, CachedFragmentView):
    """Every active product, alphabetically, a page at a time."""

    template_name = "products/product_list.html"
    fragment_template_name = "products/_product_list_content.html"

    def get_fragment_parts(self):
        self.page_number = page_number_from(self.request)
        return (self.page_number,)

    def get_fragment_context(self):
        return paginate(Product.objects.active(), self.page_number, count_key=("all",))

    def describe_fragment(self, context):
        return {"title": "All products", "breadcrumbs": [("All products", None)]}


class CatalogDetailView(AnonymousPageCacheMixin, CachedFragmentView):
    """A catalog with its category tree and the products it holds."""

    template_name = "products/catalog_detail.html"
    fragment_template_name = "products/_catalog_content.html"

    def get_fragment_parts(self):
        self.page_number = page_number_from(self.request)
        return (self.kwargs["slug"], self.page_number)

    def get_fragment_context(self):
        catalog = get_object_or_404(Catalog, slug=self.kwargs["slug"])
        tree = CategoryTree(catalog)
        # Filtering on the category ids already in hand spares a join with the categories.
        products = Product.objects.active().filter(category_id__in=sorted(tree.by_id))
        return {
            "catalog": catalog,
            "category_tree": tree.roots,
            **paginate(products, self.page_number, count_key=("catalog", catalog.pk)),
        }

    def describe_fragment(self, context):
        catalog = context["catalog"]
        return {
            "title": catalog.name,
            "breadcrumbs": [(catalog.name, None)],
            "meta_description": catalog.description,
        }


class CategoryDetailView(AnonymousPageCacheMixin, CachedFragmentView):
    """A category of a catalog with the products of it and all its sub-categories."""

    template_name = "products/category_detail.html"
    fragment_template_name = "products/_category_content.html"

    def get_fragment_parts(self):
        self.page_number = page_number_from(self.request)
        return (self.kwargs["catalog_slug"], self.kwargs["slug"], self.page_number)

    def get_fragment_context(self):
        catalog = get_object_or_404(Catalog, slug=self.kwargs["catalog_slug"])
        tree = CategoryTree(catalog)
        category = tree.by_slug.get(self.kwargs["slug"])
        if category is None:
            raise Http404("No such category in this catalog.")
        products = Product.objects.active().filter(category_id__in=tree.descendant_ids(category))
        return {
            "catalog": catalog,
            "category": category,
            "ancestors": tree.ancestors(category),
            "category_tree": tree.roots,
            **paginate(products, self.page_number, count_key=("category", category.pk)),
        }

    def describe_fragment(self, context):
        catalog, category = context["catalog"], context["category"]
        return {
            "title": f"{category.name} · {catalog.name}",
            "breadcrumbs": [
                (catalog.name, catalog.get_absolute_url()),
                *((ancestor.name, ancestor.get_absolute_url()) for ancestor in context["ancestors"]),
                (category.name, None),
            ],
            "meta_description": category.description,
        }


class ProductDetailView(AnonymousPageCacheMixin, DetailView):
    """One active product with its photo, price and attributes.

    The product (with its category, catalog and attributes) and the shared parts of its page
    (``products/_product_parts.html``: breadcrumbs, photo, heading, price, description and
    attributes) are cached under the catalog version. The page around them is rendered for
    each request, because the include hooks on it (add to cart, the shopper's rating) belong
    to the shopper.
    """

    template_name = "products/product_detail.html"
    parts_template_name = "products/_product_parts.html"
    context_object_name = "product"

    def get_queryset(self):
        details = ProductDetail.objects.select_related("attribute").order_by("attribute__name", "id")
        return Product.objects.for_listing().prefetch_related(Prefetch("details", queryset=details))

    def get(self, request, *args, **kwargs):
        self.object, parts = cached_fragment(("product", self.kwargs["slug"]), self.build_parts)
        return self.render_to_response(self.get_context_data(object=self.object, parts=parts))

    def build_parts(self):
        """Read the product and render the shared parts of its page."""
        product = self.get_object()
        html = render_to_string(self.parts_template_name, {"product": product}, self.request)
        pieces = PART_MARKER.split(html)[1:]
        parts = {name: SafeString(piece) for name, piece in zip(pieces[::2], pieces[1::2], strict=True)}
        parts["meta_description"] = SafeString(parts.get("meta_description", "").strip())
        return product, parts
