"""RSS 2.0 and Atom feeds of the catalog (book ch. 7, Django's syndication framework).

Each feed reads a fixed number of queries whatever the size of the catalog: the newest
active products (at most ``COLEMAN_FEED_ITEMS``) in one query through the listing index, a
category feed one more for the category and one for its catalog's category tree. Item
titles and descriptions come from ``feeds/products_title.html`` and
``feeds/products_description.html``, as the book has them; links and photo enclosures are
absolute.
"""

import mimetypes
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure

from coleman.conf import coleman_settings

from .models import CatalogCategory, Product


@dataclass
class FeedSubject:
    """What one request of a feed is about: the request (for absolute photo URLs) and, for a
    category feed, the category and the ids of it and every category below it."""

    request: HttpRequest
    category: CatalogCategory | None = None
    category_ids: tuple[int, ...] = ()


def category_and_descendant_ids(category) -> tuple[int, ...]:
    """Ids of ``category`` and every category below it, from one query over its catalog."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in CatalogCategory.objects.filter(catalog_id=category.catalog_id).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, stack = [], [category.pk]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack.extend(children.get(pk, ()))
    return tuple(sorted(ids))


class ProductFeed(Feed):
    """The newest active products, as RSS 2.0 (``/feeds/products/``)."""

    title_template = "feeds/products_title.html"
    description_template = "feeds/products_description.html"

    def get_object(self, request, *args, **kwargs):
        """The request this feed answers (the site and its scheme make links absolute)."""
        return FeedSubject(request=request)

    def title(self, subject):
        """The feed's title: the store's catalog."""
        return f"{coleman_settings.STORE_NAME}: new products"

    def link(self, subject):
        """The page the feed mirrors."""
        return reverse("products:list")

    def description(self, subject):
        """What the feed carries."""
        return f"The newest products of {coleman_settings.STORE_NAME}, with their prices."

    def subtitle(self, subject):
        """Atom's name for the description."""
        return self.description(subject)

    def products(self, subject):
        """The active products this feed lists, before ordering and limiting."""
        return Product.objects.for_listing()

    def items(self, subject):
        """The newest ``COLEMAN_FEED_ITEMS`` products, each with its absolute photo URL."""
        products = list(self.products(subject).order_by("-created", "-id")[: coleman_settings.FEED_ITEMS])
        for product in products:
            product.feed_photo_url = subject.request.build_absolute_uri(product.photo.url) if product.photo else ""
        return products

    def item_pubdate(self, product):
        """When the product was added to the catalog."""
        return product.created

    def item_updateddate(self, product):
        """When the product was last changed."""
        return product.updated

    def item_categories(self, product):
        """The product's catalog and category names."""
        return [product.category.catalog.name, product.category.name]

    def item_enclosures(self, product):
        """The product's photo, when it has one.

        The length is 0, which RSS allows when the size is unknown: asking the storage for
        each photo's size would cost one request per item on S3.
        """
        if not product.feed_photo_url:
            return []
        mime_type = mimetypes.guess_type(product.photo.name)[0] or "application/octet-stream"
        return [Enclosure(url=product.feed_photo_url, length="0", mime_type=mime_type)]


class ProductAtomFeed(ProductFeed):
    """The newest active products, as Atom (``/feeds/products/atom/``)."""

    feed_type = Atom1Feed


class CategoryProductFeed(ProductFeed):
    """The newest active products of one category and its sub-categories
    (``/feeds/categories/<catalog>/<category>/``)."""

    def get_object(self, request, catalog_slug, slug):
        """The category named by the URL (404 when the catalog has no such category)."""
        category = get_object_or_404(
            CatalogCategory.objects.select_related("catalog"), catalog__slug=catalog_slug, slug=slug
        )
        return FeedSubject(request=request, category=category, category_ids=category_and_descendant_ids(category))

    def title(self, subject):
        """The store, the catalog and the category."""
        category = subject.category
        return f"{coleman_settings.STORE_NAME}: {category.name} ({category.catalog.name})"

    def link(self, subject):
        """The category's page."""
        return subject.category.get_absolute_url()

    def description(self, subject):
        """What the feed carries."""
        return f"The newest products in {subject.category.name}, {subject.category.catalog.name}."

    def products(self, subject):
        """Active products of the category and every category below it."""
        return Product.objects.for_listing().filter(category_id__in=subject.category_ids)


class CategoryProductAtomFeed(CategoryProductFeed):
    """A category's newest products, as Atom."""

    feed_type = Atom1Feed


class DealsFeed(ProductFeed):
    """Products new in the last ``COLEMAN_FEED_DEALS_DAYS`` days (``/feeds/deals/``), the book's
    weekly specials for feed readers and shop-window signs."""

    def title(self, subject):
        """The store's new arrivals."""
        return f"{coleman_settings.STORE_NAME}: deals and new arrivals"

    def description(self, subject):
        """What the feed carries."""
        return f"Products new at {coleman_settings.STORE_NAME} in the last {coleman_settings.FEED_DEALS_DAYS} days."

    def products(self, subject):
        """Active products created within the deals window."""
        since = timezone.now() - timedelta(days=coleman_settings.FEED_DEALS_DAYS)
        return Product.objects.for_listing().filter(created__gte=since)


class DealsAtomFeed(DealsFeed):
    """The deals feed, as Atom."""

    feed_type = Atom1Feed
