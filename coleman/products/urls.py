"""Storefront URLs of the catalog (mounted at the site root by the project)."""

from django.urls import include, path

from . import views

app_name = "products"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("products/", views.ProductListView.as_view(), name="list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="detail"),
    path("catalogs/<slug:slug>/", views.CatalogDetailView.as_view(), name="catalog"),
    path("catalogs/<slug:catalog_slug>/<slug:slug>/", views.CategoryDetailView.as_view(), name="category"),
    path("", include("coleman.products.syndication_urls")),
]
