"""URLs of the catalog's feeds, sitemaps and ``robots.txt`` (included by ``products.urls``, so
their names are in the ``products`` namespace: ``products:feed``, ``products:sitemap``…)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import feeds
from .sitemaps import SITEMAPS, RobotsView, SitemapSectionView

urlpatterns = [
    path("feeds/products/", feeds.ProductFeed(), name="feed"),
    path("feeds/products/atom/", feeds.ProductAtomFeed(), name="feed-atom"),
    path("feeds/deals/", feeds.DealsFeed(), name="deals-feed"),
    path("feeds/deals/atom/", feeds.DealsAtomFeed(), name="deals-feed-atom"),
    path("feeds/categories/<slug:catalog_slug>/<slug:slug>/", feeds.CategoryProductFeed(), name="category-feed"),
    path(
        "feeds/categories/<slug:catalog_slug>/<slug:slug>/atom/",
        feeds.CategoryProductAtomFeed(),
        name="category-feed-atom",
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "products:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<slug:section>.xml", SitemapSectionView.as_view(), name="sitemap-section"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
]
