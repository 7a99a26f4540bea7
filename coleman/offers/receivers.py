"""Signal handlers: editing an offer or a category drops the cached offers and catalog pages.

Product pages show ``Product.get_price()``, which depends on the running offers, so an offer
edit also bumps the catalog version (every cached catalog fragment is rebuilt).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coleman.products.cache import bump_catalog_version
from coleman.products.models import CatalogCategory

from .models import Offer
from .snapshot import forget_running_offers


def _forget():
    forget_running_offers()
    bump_catalog_version()


@receiver(post_save, sender=Offer, dispatch_uid="coleman.offers.offer_saved")
@receiver(post_delete, sender=Offer, dispatch_uid="coleman.offers.offer_deleted")
@receiver(post_save, sender=CatalogCategory, dispatch_uid="coleman.offers.category_saved")
@receiver(post_delete, sender=CatalogCategory, dispatch_uid="coleman.offers.category_deleted")
def offers_changed(sender, using=None, **kwargs):
    """Forget the running offers now and again after commit (like the catalog's own receivers)."""
    _forget()
    transaction.on_commit(_forget, using=using)
