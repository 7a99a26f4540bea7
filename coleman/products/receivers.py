"""Signal handlers of the catalog: any change to catalog data invalidates cached pages."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import bump_catalog_version
from .models import Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail

CATALOG_MODELS = (Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail)


@receiver(post_save)
@receiver(post_delete)
def invalidate_catalog_cache(sender, **kwargs):
    """Bump the catalog version when a catalog model is saved or deleted."""
    if sender in CATALOG_MODELS:
        bump_catalog_version()
