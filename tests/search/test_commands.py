"""Management commands: rebuild_index/update_index with progress, search_shell."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from coleman.products.models import Product
from tests.factories.products import ProductFactory, cranberry_catalog

pytestmark = pytest.mark.django_db


def test_rebuild_index_indexes_active_products_and_reports(search_index):
    """rebuild_index fills the index with the active products and reports progress."""
    cranberry_catalog()
    out = io.StringIO()
    call_command("rebuild_index", interactive=False, verbosity=2, stdout=out, stderr=out)
    assert search_index.count() == Product.objects.active().count() == 5
    assert "Indexing 5 products" in out.getvalue()


def test_update_index_age_uses_updated_field(search_index):
    """update_index --age=N indexes only products changed in the last N hours."""
    old = ProductFactory(name="Old Jam")
    Product.objects.filter(pk=old.pk).update(updated=timezone.now() - timedelta(days=3))
    ProductFactory(name="New Jam")
    search_index.clear()
    out = io.StringIO()
    call_command("update_index", age=24, verbosity=2, stdout=out, stderr=out)
    assert search_index.count() == 1
    assert "Indexing 1 product" in out.getvalue()


def test_search_shell_prints_hits_with_scores(search_index):
    """search_shell runs a query and lists hits with their scores."""
    cranberry_catalog()
    search_index.rebuild()
    out = io.StringIO()
    call_command("search_shell", "cranberry", "sauce", stdout=out)
    text = out.getvalue()
    assert "2 hits for 'cranberry sauce'" in text  # the relish is in Sauces
    assert "<Hit: products.Product pk=" in text and "score=" in text and "Cranberry Sauce" in text


def test_search_shell_with_another_backend(monkeypatch):
    """search_shell --backend tries another engine; interactive mode reads queries until a blank line."""
    cranberry_catalog()
    answers = iter(["orange", ""])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    out = io.StringIO()
    call_command("search_shell", backend="coleman.search.backends.simple.SimpleSearchBackend", stdout=out)
    assert "Backend: simple" in out.getvalue() and "Orange Relish" in out.getvalue()
