"""Signal handlers of the catalog: a change to catalog data invalidates cached pages.

The handler is connected to the catalog's own models and to the models named in
``COLEMAN_CATALOG_CACHE_INVALIDATED_BY`` only (by :func:`connect_catalog_receivers`, when the
app is ready and again whenever that setting changes), so saving anything else (a session on
every shopper's request, a user, an order) runs no catalog code at all.
"""

from django.apps import apps
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coleman.conf import coleman_settings

from .cache import bump_catalog_version

CATALOG_MODELS = (
    "products.Catalog",
    "products.CatalogCategory",
    "products.Product",
    "products.ProductAttribute",
    "products.ProductDetail",
    "products.ProductVariant",
)
SIGNALS = (post_save, post_delete)
DISPATCH_UID = "coleman.products.invalidate_catalog_cache"

# The models invalidate_catalog_cache is connected to now.
_connected_models = []


def invalidate_catalog_cache(sender, using=None, **kwargs):
    """Bump the catalog version when a catalog model is saved or deleted.

    The version is bumped at once and again after the transaction commits: a page rendered
    by another request between the two, from data that was not committed yet, is cached
    under a version nobody reads any more.
    """
    bump_catalog_version()
    transaction.on_commit(bump_catalog_version, using=using)


def invalidating_models():
    """The models whose saves and deletes invalidate cached catalog pages.

    Labels in ``COLEMAN_CATALOG_CACHE_INVALIDATED_BY`` whose model was never loaded (its
    optional app is not in the project) are skipped: nothing of theirs can be on a page.
    Models are looked up among those loaded rather than those installed, so re-running
    ``ready()`` while an app is briefly left out (tests that remove optional apps) keeps
    its models connected for when it is back.
    """
    models = []
    for label in (*CATALOG_MODELS, *coleman_settings.CATALOG_CACHE_INVALIDATED_BY):
        app_label, _, model_name = label.partition(".")
        try:
            model = apps.get_registered_model(app_label, model_name)
        except LookupError:
            continue
        if model not in models:
            models.append(model)
    return models


def connect_catalog_receivers():
    """Connect :func:`invalidate_catalog_cache` to exactly the :func:`invalidating_models`."""
    for model in _connected_models:
        for signal in SIGNALS:
            signal.disconnect(sender=model, dispatch_uid=DISPATCH_UID)
    _connected_models[:] = invalidating_models()
    for model in _connected_models:
        for signal in SIGNALS:
            signal.connect(invalidate_catalog_cache, sender=model, dispatch_uid=DISPATCH_UID)


@receiver(setting_changed)
def reconnect_when_the_setting_changes(setting, **kwargs):
    """Follow ``COLEMAN_CATALOG_CACHE_INVALIDATED_BY`` when tests change it."""
    if setting == "COLEMAN_CATALOG_CACHE_INVALIDATED_BY":
        connect_catalog_receivers()
