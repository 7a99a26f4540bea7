"""Fixtures of the search tests: a real Whoosh index in a temporary folder per test session."""

import haystack
import pytest
from django.conf import settings
from haystack import connections

from coleman.products.models import Product


@pytest.fixture(scope="session")
def whoosh_dir(tmp_path_factory):
    """A Whoosh index folder private to this test session (and xdist worker)."""
    return tmp_path_factory.mktemp("whoosh")


class IndexHelper:
    """Builds and clears the real Haystack index the tests search."""

    def __init__(self):
        self.backend = connections["default"].get_backend()
        self.index = connections["default"].get_unified_index().get_index(Product)

    def clear(self):
        """Empty the index."""
        self.backend.clear()

    def rebuild(self):
        """Index every active product, as ``rebuild_index`` does."""
        self.backend.clear()
        self.backend.update(self.index, self.index.index_queryset())

    def count(self):
        """Documents in the index."""
        self.backend.setup()
        return self.backend.index.refresh().doc_count()


@pytest.fixture
def search_index(whoosh_dir):
    """An empty Whoosh index in the session's folder; ``rebuild()`` indexes the products."""
    # Haystack keeps the dict it read at start-up: change the PATH in place, then reload.
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(whoosh_dir)
    haystack.connections.reload("default")
    helper = IndexHelper()
    helper.clear()
    yield helper
    helper.clear()
