"""Real-time indexing: the book's ``RealTimeSearchIndex``, as a Haystack 3 signal processor.

Named by ``HAYSTACK_SIGNAL_PROCESSOR``. Saving or deleting a product (or one of its
details, its category or catalog, whose names are part of its document) updates the
index once the transaction commits, through the tasks in :mod:`coleman.search.tasks`; each
update then bumps the catalog version, so pages cached from the index are rebuilt from it.
``COLEMAN_SEARCH_REALTIME = False`` turns it off (then schedule ``update_index --age=N --remove``).
A failure to index is logged and never breaks the save that caused it.
"""

import logging
from functools import partial

from django.db import transaction
from django.db.models import signals
from haystack.exceptions import NotHandled
from haystack.signals import BaseSignalProcessor
from haystack.utils import get_identifier

from coleman.conf import coleman_settings
from coleman.products.cache import bump_catalog_version
from coleman.products.models import Catalog, CatalogCategory, Product, ProductDetail

from . import tasks

logger = logging.getLogger("coleman.search")


class ProductSignalProcessor(BaseSignalProcessor):
    """Keep the product index current as the catalog changes."""

    def setup(self):
        """Connect to the catalog models' save and delete signals."""
        self._models = (Product, ProductDetail, CatalogCategory, Catalog)
        signals.post_save.connect(self.handle_save, sender=Product)
        signals.post_delete.connect(self.handle_delete, sender=Product)
        for model in (ProductDetail, CatalogCategory, Catalog):
            signals.post_save.connect(self.handle_related, sender=model)
            signals.post_delete.connect(self.handle_related, sender=model)

    def teardown(self):
        """Disconnect everything :meth:`setup` connected."""
        signals.post_save.disconnect(self.handle_save, sender=Product)
        signals.post_delete.disconnect(self.handle_delete, sender=Product)
        for model in (ProductDetail, CatalogCategory, Catalog):
            signals.post_save.disconnect(self.handle_related, sender=model)
            signals.post_delete.disconnect(self.handle_related, sender=model)

    def handle_save(self, sender, instance, **kwargs):
        """Index a saved product (or remove it when inactive) after commit."""
        if coleman_settings.SEARCH_REALTIME and not kwargs.get("raw"):
            transaction.on_commit(partial(self._safely, tasks.update_products_in_index.enqueue, [instance.pk]))

    def handle_delete(self, sender, instance, **kwargs):
        """Remove a deleted product from the index after commit."""
        if coleman_settings.SEARCH_REALTIME:
            # Django clears instance.pk after a delete: take the document id now.
            identifier = get_identifier(instance)
            transaction.on_commit(partial(self._safely, tasks.remove_document_from_index.enqueue, identifier))

    def handle_related(self, sender, instance, **kwargs):
        """Re-index the products whose document includes a changed detail, category or catalog."""
        if not coleman_settings.SEARCH_REALTIME or kwargs.get("raw"):
            return
        if isinstance(instance, Catalog):
            lookup = {"category__catalog_id": instance.pk}
        elif isinstance(instance, CatalogCategory):
            lookup = {"category_id": instance.pk}
        else:
            lookup = {"pk": instance.product_id}

        def reindex():
            ids = list(Product.objects.filter(**lookup).values_list("pk", flat=True))
            if ids:
                tasks.update_products_in_index.enqueue(ids)

        transaction.on_commit(partial(self._safely, reindex))

    def _product_index(self, using):
        return self.connections[using].get_unified_index().get_index(Product)

    def _update_products(self, ids):
        if not ids:
            return
        products = list(
            Product.objects.filter(pk__in=ids)
            .select_related("category__catalog", "category__parent")
            .prefetch_related("details__attribute")
        )
        for using in self.connection_router.for_write(models=[Product]):
            try:
                index = self._product_index(using)
            except NotHandled:
                continue
            backend = index.get_backend(using)
            active = [p for p in products if p.is_active]
            for product in products:
                if not product.is_active:
                    backend.remove(product)
            if active:
                backend.update(index, active)
        # What was cached from the index (results pages, "more like this") may have been built
        # between the product's save and this update, which a task worker runs later.
        bump_catalog_version()

    def _remove_document(self, identifier):
        for using in self.connection_router.for_write(models=[Product]):
            try:
                self._product_index(using).get_backend(using).remove(identifier)
            except NotHandled:
                continue
        bump_catalog_version()

    def _safely(self, func, *args):
        try:
            func(*args)
        except Exception:
            logger.exception("Updating the search index failed; run `manage.py update_index` to catch up.")
