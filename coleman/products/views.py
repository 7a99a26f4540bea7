"""Storefront views of the catalog: home, product list and detail, catalogs and categories.

Speed comes from three rules:

* Every view reads a fixed number of queries whatever the size of the catalog: the categories
  of a catalog are read in one query and assembled into a tree (:mod:`.tree`), product cards
  come with their category and catalog through ``select_related``, product lists are read in
  index order a page at a time (:mod:`.pagination`).
* The shared part of each page (product grid, pagination, category tree, title and
  breadcrumbs; on the product page its photo, price, description and attributes) is rendered
  once and cached under the catalog version (:mod:`.cache`); a cached page costs no query. The
  page frame (``base.html``: header with account links and cart summary, messages) and the
  product page's include hooks (add-to-cart form with its CSRF token, the shopper's own
  rating) are rendered for each request, so what belongs to one shopper stays live.
* Visitors who send no cookie at all get the whole page from the cache (:mod:`.page_cache`).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.generic import DetailView, TemplateView

from coleman.conf import coleman_settings

from .cache import CatalogFragment, cached_fragment, render_parts
from .models import Catalog, Product
from .page_cache import CookielessPageCache, ShopperPageCache, WholePageCacheMixin
from .pagination import page_number_from, paginate_products


class CatalogPageView(WholePageCacheMixin, TemplateView):
    """A page whose main content is a :class:`~.cache.CatalogFragment` served from the cache.

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
        """The ``title``, ``breadcrumbs`` and ``meta_description`` of the fragment."""
        raise NotImplementedError

    def build_fragment(self) -> CatalogFragment:
        """Render the fragment from fresh queries."""
        context = self.get_fragment_context()
        return CatalogFragment.render(
            self.fragment_template_name, context, self.request, **self.describe_fragment(context)
        )


class ProductListingView(CatalogPageView):
    """A catalog page listing products a page at a time (``?page=N``).

    Pages past ``COLEMAN_PRODUCTS_MAX_PAGES`` answer 404 with a page saying so and pointing
    to narrower listings and search, before any query: a deep page would cost an index walk
    over every product before it, and no shopper pages that far.
    """

    page_limit_template_name = "products/page_limit.html"

    def get(self, request, *args, **kwargs):
        self.page_number = page_number_from(request)
        limit = coleman_settings.PRODUCTS_MAX_PAGES
        if limit and self.page_number > limit:
            return TemplateResponse(request, self.page_limit_template_name, {"max_pages": limit}, status=404)
        return super().get(request, *args, **kwargs)

    def get_fragment_parts(self):
        return (*super().get_fragment_parts(), self.page_number)


class HomeView(CatalogPageView):
    """The front page: catalogs, newest products and featured products.

    Its title is ``COLEMAN_PRODUCTS_HOME_TITLE`` (the store's name alone when empty).
    """

    template_name = "products/home.html"
    fragment_template_name = "products/_home_content.html"

    def get_fragment_context(self):
        count = coleman_settings.HOME_NEW_PRODUCTS
        listing = Product.objects.for_listing()
        return {
            "catalogs": list(Catalog.objects.all()),
            "new_products": list(listing.newest()[:count]),
            "featured_products": list(listing.featured()[:count]),
        }

    def describe_fragment(self, context):
        return {"title": coleman_settings.PRODUCTS_HOME_TITLE}


class ProductListView(ProductListingView):
    """Every active product, alphabetically, a page at a time."""

    template_name = "products/product_list.html"
    fragment_template_name = "products/_product_list_content.html"

    def get_fragment_context(self):
        return paginate_products(Product.objects.active(), self.page_number, count_key=("all",))

    def describe_fragment(self, context):
        title = gettext("All products")
        return {"title": title, "breadcrumbs": [(title, None)]}


class CatalogDetailView(ProductListingView):
    """A catalog with its category tree and the products it holds."""

    template_name = "products/catalog_detail.html"
    fragment_template_name = "products/_catalog_content.html"

    def get_fragment_context(self):
        catalog = get_object_or_404(Catalog, slug=self.kwargs["slug"])
        tree = catalog.category_tree()
        # Filtering on the category ids already in hand spares a join with the categories.
        products = Product.objects.active().filter(category_id__in=tree.category_ids())
        return {
            "catalog": catalog,
            "category_tree": tree.roots,
            **paginate_products(products, self.page_number, count_key=("catalog", catalog.pk)),
        }

    def describe_fragment(self, context):
        catalog = context["catalog"]
        return {"title": catalog.name, "breadcrumbs": [(catalog.name, None)], "meta_description": catalog.description}


class CategoryDetailView(ProductListingView):
    """A category of a catalog with the products of it and all its sub-categories."""

    template_name = "products/category_detail.html"
    fragment_template_name = "products/_category_content.html"

    def get_fragment_context(self):
        catalog = get_object_or_404(Catalog, slug=self.kwargs["catalog_slug"])
        tree = catalog.category_tree()
        category = tree.by_slug.get(self.kwargs["slug"])
        if category is None:
            raise Http404(gettext("No such category in this catalog."))
        products = Product.objects.active().filter(category_id__in=tree.descendant_ids(category))
        return {
            "catalog": catalog,
            "category": category,
            "breadcrumbs": tree.breadcrumbs(category),
            "category_tree": tree.roots,
            **paginate_products(products, self.page_number, count_key=("category", category.pk)),
        }

    def describe_fragment(self, context):
        catalog, category = context["catalog"], context["category"]
        return {
            "title": f"{category.name} · {catalog.name}",
            "breadcrumbs": context["breadcrumbs"],
            "meta_description": category.description,
        }


class ProductPageCache(ShopperPageCache):
    """Product pages of logged-in customers are kept per customer: they show the customer's
    own rating and review (stored under the catalog version, which every rating and review
    changes)."""

    per_user = True

    def visitor_class(self, request) -> str:
        """``"shopper"``, or ``"customer:<id>"``."""
        visitor = super().visitor_class(request)
        return f"{visitor}:{request.user.pk}" if visitor == "customer" else visitor


class ProductDetailView(WholePageCacheMixin, DetailView):
    """One active product with its photo, price and attributes.

    The product (with its category, catalog and attributes) and the shared parts of its page
    (``products/_product_parts.html``: breadcrumbs, photo, heading, price, description and
    attributes) are cached under the catalog version. The page around them is rendered for
    each request, because the include hooks on it (add to cart, the shopper's rating) belong
    to the shopper.
    """

    template_name = "products/product_detail.html"
    page_cache_classes = (CookielessPageCache, ProductPageCache)
    parts_template_name = "products/_product_parts.html"
    context_object_name = "product"
    queryset = Product.objects.for_detail()

    def get(self, request, *args, **kwargs):
        self.object, parts = cached_fragment(("product", self.kwargs["slug"]), self.build_parts)
        return self.render_to_response(self.get_context_data(object=self.object, parts=parts))

    def build_parts(self):
        """Read the product and render the shared parts of its page (the breadcrumbs go through
        every level of its category, as on the category's own page)."""
        product = self.get_object()
        tree = product.category.catalog.category_tree()
        breadcrumbs = [*tree.breadcrumbs(product.category, link_last=True), (product.name, None)]
        context = {"product": product, "breadcrumbs": breadcrumbs}
        return product, render_parts(self.parts_template_name, context, self.request)
