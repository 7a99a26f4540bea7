"""App configuration for :mod:`coleman.products`."""

from django.apps import AppConfig


class ProductsConfig(AppConfig):
    """Catalogs, categories, products and product attributes."""

    name = "coleman.products"
    label = "products"
    verbose_name = "Catalog"

    def ready(self):
        from . import receivers  # noqa: F401
