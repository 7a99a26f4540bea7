"""Xapian through xapian-haystack: stemming and spelling correction on a real Xapian database.

The Xapian bindings come from Debian (``python3-xapian``); scripts/system-deps.sh installs
them and links them into the virtualenv (same Python 3.11 ABI).
"""

import importlib.util

import haystack
import pytest
from django.conf import settings
from haystack import connections

from coleman.products.models import Product
from coleman.search.backends.base import SearchRequest
from coleman.search.backends.haystack import HaystackSearchBackend
from tests.factories.products import cranberry_catalog

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        importlib.util.find_spec("xapian") is None,
        reason="Xapian bindings not importable (Debian python3-xapian; scripts/system-deps.sh links them)",
    ),
]


@pytest.fixture
def xapian_backend(tmp_path):
    """A ``xapian`` Haystack connection in a temporary folder, indexed with the cranberry catalog."""
    settings.HAYSTACK_CONNECTIONS["xapian"] = {
        "ENGINE": "xapian_backend.XapianEngine",
        "PATH": str(tmp_path / "xapian"),
        "INCLUDE_SPELLING": True,
    }
    haystack.connections.reload("xapian")
    products = cranberry_catalog()
    index = connections["xapian"].get_unified_index().get_index(Product)
    connections["xapian"].get_backend().update(index, index.index_queryset())
    yield HaystackSearchBackend(using="xapian"), products
    del settings.HAYSTACK_CONNECTIONS["xapian"]


def test_stemming(xapian_backend):
    """ "cranberries" finds products saying "cranberry"; inactive products are absent."""
    backend, _products = xapian_backend
    names = [h.name for h in backend.search(SearchRequest(text="cranberries")).hits]
    assert {"Cranberry Sauce", "CranStore Cranberry Juice", "Orange Relish"} <= set(names)
    assert "Discontinued Cranberry Chutney" not in names


def test_spelling_correction(xapian_backend):
    """Xapian suggests the corrected query (the book's Djapian spell_correction)."""
    backend, _products = xapian_backend
    assert backend.suggest_spelling("cranbery") == "cranberry"


def test_more_like_this(xapian_backend):
    """Xapian's more-like-this returns other active products."""
    backend, products = xapian_backend
    similar = [m.slug for m in backend.more_like_this(products["sauce"], 4)]
    assert similar and "cranberry-sauce" not in similar
