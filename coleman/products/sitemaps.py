"""Sitemaps of the storefront (book ch. 7, ``django.contrib.sitemaps``) and ``robots.txt``.

``/sitemap.xml`` is an index of four sections (products, categories, catalogs, static
pages); Django splits a section into pages of 50,000 URLs (``?p=2``…). Every section reads a
fixed number of queries whatever the size of the catalog: the product section reads its
page as ``(slug, updated)`` rows (no model instances) and builds each address from one
reversed prefix, and each section's latest change is one aggregate query instead of Django's
default of loading every item.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.views.generic import TemplateView

from coleman.conf import coleman_settings

from .models import Catalog, CatalogCategory, Product

SLUG_PLACEHOLDER = "slug-placeholder"


def latest_product_change():
    """When an active product last changed (``None`` for an empty catalog): one query."""
    return Product.objects.active().aggregate(latest=Max("updated"))["latest"]


class ProductSitemap(Sitemap):
    """Every active product page, with the time the product last changed."""

    changefreq = "weekly"

    def __init__(self):
        prefix = reverse("products:detail", kwargs={"slug": SLUG_PLACEHOLDER})
        self.before_slug, self.after_slug = prefix.split(SLUG_PLACEHOLDER)

    def items(self):
        """``(slug, updated)`` of active products, in primary-key order (stable pages)."""
        return Product.objects.active().order_by("pk").values_list("slug", "updated", named=True)

    def location(self, item):
        """The product page's path."""
        return f"{self.before_slug}{item.slug}{self.after_slug}"

    def lastmod(self, item):
        """When the product last changed."""
        return item.updated

    def get_latest_lastmod(self):
        """The newest change of any active product (for the sitemap index)."""
        return latest_product_change()


class CategorySitemap(Sitemap):
    """Every category page, dated by the newest change among its active products."""

    changefreq = "weekly"

    def items(self):
        """Categories with their catalog and the latest change of their active products."""
        return (
            CatalogCategory.objects.select_related("catalog")
            .annotate(latest=Max("products__updated", filter=Q(products__is_active=True)))
            .order_by("pk")
        )

    def lastmod(self, category):
        """When one of the category's own products last changed (``None`` if it has none)."""
        return category.latest

    def get_latest_lastmod(self):
        """The newest change of any active product."""
        return latest_product_change()


class CatalogSitemap(Sitemap):
    """Every catalog page, dated by the newest change among its active products."""

    changefreq = "weekly"

    def items(self):
        """Catalogs with the latest change of their active products."""
        return Catalog.objects.annotate(
            latest=Max("categories__products__updated", filter=Q(categories__products__is_active=True))
        ).order_by("pk")

    def lastmod(self, catalog):
        """When one of the catalog's products last changed (``None`` if it has none)."""
        return catalog.latest

    def get_latest_lastmod(self):
        """The newest change of any active product."""
        return latest_product_change()


class StaticPageSitemap(Sitemap):
    """The storefront pages that are not catalog objects: home and the product list."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        """URL names of the pages."""
        return ["products:home", "products:list"]

    def location(self, name):
        """The page's path."""
        return reverse(name)

    def lastmod(self, name):
        """Both pages list products: they change when a product does (one query per request)."""
        if not hasattr(self, "_latest"):
            self._latest = latest_product_change()
        return self._latest

    def get_latest_lastmod(self):
        """The newest change of any active product."""
        return self.lastmod(None)


#: The sections of ``/sitemap.xml``, by the name in their URL (``/sitemap-products.xml``).
SITEMAPS = {
    "products": ProductSitemap,
    "categories": CategorySitemap,
    "catalogs": CatalogSitemap,
    "pages": StaticPageSitemap,
}


class RobotsView(TemplateView):
    """``/robots.txt``: where the sitemap is and which paths crawlers should leave alone
    (``COLEMAN_ROBOTS_DISALLOW``)."""

    template_name = "products/robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        """The absolute sitemap URL and the disallowed paths."""
        return {
            "sitemap_url": self.request.build_absolute_uri(reverse("products:sitemap")),
            "disallow": coleman_settings.ROBOTS_DISALLOW,
        }
