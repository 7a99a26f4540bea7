"""Sitemaps of the storefront (book ch. 7, ``django.contrib.sitemaps``) and ``robots.txt``.

``/sitemap.xml`` is Django's sitemap index of four sections (products, categories, catalogs,
static pages); Django's paginator splits a section into pages of 50,000 URLs (``?p=2``…).
Every section reads a fixed number of queries whatever the size of the catalog, and each
section's latest change is one aggregate query instead of Django's default of loading every
item. A section page is written by :class:`SitemapSectionView`, which streams the XML as it
reads the rows: the product section reads ``(slug, updated)`` rows (no model instances) and
builds each address from one reversed prefix. Django's own section view renders 50,000
``<url>`` entries through the template engine, about 20 s on 100,000 products here; this one
takes a fraction of a second (``bench/sitemaps.py``).
"""

from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.paginator import InvalidPage
from django.db.models import Max
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views import View
from django.views.generic import TemplateView

from coleman.conf import coleman_settings

from .models import Catalog, CatalogCategory, Product

SLUG_PLACEHOLDER = "slug-placeholder"
# Rows read from the database, and entries written, at a time.
ROWS_PER_CHUNK = 1000


def latest_product_change():
    """When an active product last changed (``None`` for an empty catalog): one query."""
    return Product.objects.active().aggregate(latest=Max("updated"))["latest"]


class ChunkedRows:
    """A queryset the paginator may count and slice, whose slice is read with ``iterator()``
    (rows fetched in chunks as the sitemap streams, never 50,000 at once)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        """The number of rows (one query)."""
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        """Rows of a page: an iterator over the sliced queryset."""
        return self.queryset[window].iterator(chunk_size=ROWS_PER_CHUNK)


class ProductSitemap(Sitemap):
    """Every active product page, with the time the product last changed."""

    changefreq = "weekly"

    def __init__(self):
        prefix = reverse("products:detail", kwargs={"slug": SLUG_PLACEHOLDER})
        self.before_slug, self.after_slug = prefix.split(SLUG_PLACEHOLDER)

    def items(self):
        """``(slug, updated)`` of active products, in primary-key order (stable pages), read in
        chunks as the page is written."""
        return ChunkedRows(Product.objects.active().order_by("pk").values_list("slug", "updated", named=True))

    def location(self, item):
        """The product page's path."""
        return f"{self.before_slug}{item.slug}{self.after_slug}"

    def lastmod(self, item):
        """When the product last changed."""
        return item.updated

    def get_latest_lastmod(self):
        """The newest change of any active product (for the sitemap index)."""
        return latest_product_change()


def latest_change_per_category() -> dict:
    """``{category id: latest change of its active products}``.

    One grouped query over the products (no join), about a second on 100,000 products with
    SQLite, so the answer is cached under the catalog's latest change (a cheap query): any
    product edit makes a new key. Deleting a product may leave a category's date a little
    late until the entry expires; ``lastmod`` is a hint to crawlers, not a ledger.
    """
    latest = latest_product_change()
    key = f"coleman:products:sitemap:category-lastmod:{latest.isoformat() if latest else 'none'}"
    cached = cache.get(key)
    if cached is None:
        rows = Product.objects.active().order_by().values_list("category_id").annotate(latest=Max("updated"))
        cached = dict(rows)
        cache.set(key, cached, coleman_settings.SITEMAP_CACHE_SECONDS)
    return cached


class LazyItems:
    """Sitemap items counted with one cheap query and built only when a page is read (the
    sitemap index only needs the count)."""

    def __init__(self, count, build):
        self._count, self._build = count, build

    def count(self):
        """The number of items."""
        return self._count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        """The items of a page."""
        return self._build()[window]


class CategorySitemap(Sitemap):
    """Every category page, dated by the newest change among its own active products."""

    changefreq = "weekly"

    def items(self):
        """Categories with their catalog, each with ``latest`` (counted lazily)."""
        return LazyItems(CatalogCategory.objects.count, self.build)

    @staticmethod
    def build():
        """Every category with its catalog and ``latest``."""
        latest = latest_change_per_category()
        categories = list(CatalogCategory.objects.select_related("catalog").order_by("pk"))
        for category in categories:
            category.latest = latest.get(category.pk)
        return categories

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
        """Catalogs, each with ``latest`` (counted lazily)."""
        return LazyItems(Catalog.objects.count, self.build)

    @staticmethod
    def build():
        """Every catalog with ``latest``."""
        per_category = latest_change_per_category()
        per_catalog: dict[int, object] = {}
        for pk, catalog_id in CatalogCategory.objects.values_list("pk", "catalog_id"):
            latest = per_category.get(pk)
            if latest is not None and (catalog_id not in per_catalog or latest > per_catalog[catalog_id]):
                per_catalog[catalog_id] = latest
        catalogs = list(Catalog.objects.order_by("pk"))
        for catalog in catalogs:
            catalog.latest = per_catalog.get(catalog.pk)
        return catalogs

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


XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;"})
URLSET_START = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'


class SitemapSectionView(View):
    """One page of a sitemap section (``/sitemap-products.xml?p=2``), streamed.

    The same XML as Django's ``sitemap`` view (``loc``, ``lastmod`` as a date, ``changefreq``,
    ``priority``) and the same answers to unknown sections and pages (404), written with
    string formatting while the rows are read instead of through the template engine.
    """

    sitemaps = SITEMAPS

    def get(self, request, section):
        """Stream the page ``p`` of ``section``."""
        if section not in self.sitemaps:
            raise Http404(f"No sitemap section {section!r}.")
        sitemap = self.sitemaps[section]()
        raw_page = request.GET.get("p", "1")
        if not (raw_page.isascii() and raw_page.isdigit() and len(raw_page) <= 6):
            raise Http404("No such sitemap page.")
        try:
            page = sitemap.paginator.page(int(raw_page))
        except InvalidPage as exc:
            raise Http404("No such sitemap page.") from exc
        prefix = f"{request.scheme}://{request.get_host()}"
        response = StreamingHttpResponse(self.lines(sitemap, page.object_list, prefix), content_type="application/xml")
        latest = sitemap.get_latest_lastmod()
        if latest is not None:
            response.headers["Last-Modified"] = http_date(latest.timestamp())
        response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
        return response

    @staticmethod
    def lines(sitemap, items, prefix):
        """The XML, a chunk of entries at a time (``changefreq`` and ``priority`` are the
        sitemap's attributes, the same for every entry)."""
        yield URLSET_START
        changefreq, priority = getattr(sitemap, "changefreq", None), getattr(sitemap, "priority", None)
        chunk = []
        for item in items:
            parts = [f"<url><loc>{(prefix + sitemap.location(item)).translate(XML_ESCAPES)}</loc>"]
            lastmod = sitemap.lastmod(item) if hasattr(sitemap, "lastmod") else None
            if lastmod is not None:
                parts.append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
            if changefreq:
                parts.append(f"<changefreq>{changefreq}</changefreq>")
            if priority is not None:
                parts.append(f"<priority>{priority}</priority>")
            parts.append("</url>\n")
            chunk.append("".join(parts))
            if len(chunk) == ROWS_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk) + "</urlset>\n"


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
