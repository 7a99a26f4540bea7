"""Storefront views of the catalog: home, product list and detail, catalogs and categories.

Every view reads a fixed number of queries whatever the size of the catalog: categories of
a catalog are read in one query and assembled into a tree in Python, product cards come
with their category and catalog through ``select_related``.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from coleman.conf import coleman_settings

from .models import Catalog, Product, ProductDetail


class CategoryTree:
    """The categories of one catalog as a tree, built from a single query."""

    def __init__(self, catalog):
        self.catalog = catalog
        categories = list(catalog.categories.order_by("name"))
        self.by_id = {category.id: category for category in categories}
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
        return ids

    def ancestors(self, category):
        """The chain of parents of ``category``, root first (for breadcrumbs)."""
        chain, node = [], self.by_id[category.id].parent if category.parent_id else None
        while node is not None:
            chain.append(node)
            node = node.parent if node.parent_id else None
        return list(reversed(chain))


class ProductPaginationMixin:
    """Pagination shared by every product list: size from settings, 404 on bad pages."""

    context_object_name = "products"

    def get_paginate_by(self, queryset):
        return coleman_settings.PRODUCTS_PER_PAGE


class HomeView(TemplateView):
    """The front page: catalogs, newest products and featured products."""

    template_name = "products/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count = coleman_settings.HOME_NEW_PRODUCTS
        listing = Product.objects.for_listing()
        context["catalogs"] = Catalog.objects.all()
        context["new_products"] = listing.order_by("-created", "-id")[:count]
        context["featured_products"] = listing.filter(is_featured=True)[:count]
        return context


class ProductListView(ProductPaginationMixin, ListView):
    """Every active product, alphabetically, a page at a time."""

    template_name = "products/product_list.html"

    def get_queryset(self):
        return Product.objects.for_listing()


class ProductDetailView(DetailView):
    """One active product with its photo, price and attributes."""

    template_name = "products/product_detail.html"
    context_object_name = "product"

    def get_queryset(self):
        details = ProductDetail.objects.select_related("attribute").order_by("attribute__name")
        return Product.objects.for_listing().prefetch_related(Prefetch("details", queryset=details))


class CatalogDetailView(ProductPaginationMixin, ListView):
    """A catalog with its category tree and the products it holds."""

    template_name = "products/catalog_detail.html"

    def get_queryset(self):
        self.catalog = get_object_or_404(Catalog, slug=self.kwargs["slug"])
        self.tree = CategoryTree(self.catalog)
        return Product.objects.for_listing().filter(category__catalog=self.catalog)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["catalog"] = self.catalog
        context["category_tree"] = self.tree.roots
        return context


class CategoryDetailView(ProductPaginationMixin, ListView):
    """A category of a catalog with the products of it and all its sub-categories."""

    template_name = "products/category_detail.html"

    def get_queryset(self):
        self.catalog = get_object_or_404(Catalog, slug=self.kwargs["catalog_slug"])
        self.tree = CategoryTree(self.catalog)
        category = next((c for c in self.tree.by_id.values() if c.slug == self.kwargs["slug"]), None)
        if category is None:
            raise Http404("No such category in this catalog.")
        self.category = category
        return Product.objects.for_listing().filter(category_id__in=self.tree.descendant_ids(category))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["catalog"] = self.catalog
        context["category"] = self.category
        context["ancestors"] = self.tree.ancestors(self.category)
        context["category_tree"] = self.tree.roots
        return context

