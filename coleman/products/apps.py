"""App configuration for :mod:`coleman.products`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .receivers import connect_catalog_receivers


class ProductsConfig(AppConfig):
    """Catalogs, categories, products and product attributes."""

    name = "coleman.products"
    label = "products"
    verbose_name = _("Catalog")

    def ready(self):
        connect_catalog_receivers()
