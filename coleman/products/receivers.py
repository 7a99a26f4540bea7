"""Signal handlers of the catalog: any change to catalog data invalidates cached pages."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coleman.conf import coleman_settings

from .cache import bump_catalog_version
from .models import Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail

CATALOG_MODELS = (Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail)


@receiver(post_save)
@receiver(post_delete)
def invalidate_catalog_cache(sender, **kwargs):
    """Bump the catalog version when a catalog model (or one named in
    ``COLEMAN_CATALOG_CACHE_INVALIDATED_BY``) is saved or deleted.

    The version is bumped at once and again after the transaction commits: a page rendered
    by another request between the two, from data that was not committed yet, is cached
    under a version nobody reads any more.
    """
    if sender in CATALOG_MODELS or sender._meta.label in coleman_settings.CATALOG_CACHE_INVALIDATED_BY:
        bump_catalog_version()
        transaction.on_commit(bump_catalog_version, using=kwargs.get("using"))
