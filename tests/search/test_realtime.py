"""Real-time indexing: saves and deletes show up in results as soon as they commit."""

from decimal import Decimal

import pytest

from coleman.search.backends import get_backend
from coleman.search.backends.base import SearchRequest
from tests.factories.products import CategoryFactory, DetailFactory, ProductFactory

pytestmark = pytest.mark.django_db


def names(text):
    return [hit.name for hit in get_backend().search(SearchRequest(text=text)).hits]


def test_new_product_is_found_after_commit(search_index, django_capture_on_commit_callbacks):
    """A product saved by staff is searchable once its transaction commits (not before)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ProductFactory(name="Cranberry Mustard", description="Grainy and sharp.")
        assert names("mustard") == []
    assert callbacks
    assert names("mustard") == ["Cranberry Mustard"]


def test_edit_updates_stored_fields(search_index, django_capture_on_commit_callbacks):
    """Renaming or repricing a product changes what results show at once."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Cranberry Mustard", price=Decimal("4.00"))
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "Cranberry Honey Mustard"
        product.price = Decimal("5.50")
        product.save()
    hit = get_backend().search(SearchRequest(text="honey")).hits[0]
    assert (hit.name, hit.price) == ("Cranberry Honey Mustard", Decimal("5.50"))


def test_deactivated_product_leaves_the_index(search_index, django_capture_on_commit_callbacks):
    """Unticking "active" removes the product from the index."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Cranberry Mustard")
    count = search_index.count()
    with django_capture_on_commit_callbacks(execute=True):
        product.is_active = False
        product.save()
    assert search_index.count() == count - 1
    assert names("mustard") == []


def test_deleted_product_leaves_the_index(search_index, django_capture_on_commit_callbacks):
    """Deleting a product (with its details) removes it from the index."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Cranberry Mustard")
        DetailFactory(product=product, value="Sharp")
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert search_index.count() == 0


def test_category_rename_reindexes_its_products(search_index, django_capture_on_commit_callbacks):
    """The category name is in the document: renaming it updates its products' entries."""
    with django_capture_on_commit_callbacks(execute=True):
        category = CategoryFactory(name="Condiments")
        ProductFactory(category=category, name="Cranberry Mustard")
    with django_capture_on_commit_callbacks(execute=True):
        category.name = "Preserves"
        category.save()
    outcome = get_backend().search(SearchRequest(text="preserves"))
    assert [h.category for h in outcome.hits] == ["Preserves"]


def test_attribute_value_is_searchable_at_once(search_index, django_capture_on_commit_callbacks):
    """Adding an attribute value to a product makes it searchable by that value."""
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Cranberry Mustard")
    with django_capture_on_commit_callbacks(execute=True):
        DetailFactory(product=product, attribute__name="Heat", value="Fiery")
    assert names("fiery") == ["Cranberry Mustard"]


def test_realtime_can_be_switched_off(search_index, settings, django_capture_on_commit_callbacks):
    """With COLEMAN_SEARCH_REALTIME = False saves leave the index alone (update_index catches up)."""
    settings.COLEMAN_SEARCH_REALTIME = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ProductFactory(name="Cranberry Mustard")
    # Other apps may schedule their own work (the catalog cache); search schedules none.
    scheduled_by = [getattr(c, "func", c).__module__ for c in callbacks]
    assert not [module for module in scheduled_by if module.startswith("coleman.search")]
    assert search_index.count() == 0


def test_index_failure_never_breaks_the_save(search_index, django_capture_on_commit_callbacks, monkeypatch, caplog):
    """If the index cannot be written, the product is still saved and the failure logged."""
    from haystack.backends.whoosh_backend import WhooshSearchBackend

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(WhooshSearchBackend, "update", broken)
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(name="Cranberry Mustard")
    assert product.pk
    assert "Updating the search index failed" in caplog.text
