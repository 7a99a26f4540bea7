"""Search backends and the setting that chooses one (``COLEMAN_SEARCH_BACKEND``)."""

from django.apps import apps
from django.utils.module_loading import import_string

from coleman.conf import coleman_settings

from .base import FacetChoice, Match, SearchBackend, SearchOutcome, SearchRequest  # noqa: F401

HAYSTACK_BACKEND = "coleman.search.backends.haystack.HaystackSearchBackend"
SIMPLE_BACKEND = "coleman.search.backends.simple.SimpleSearchBackend"


def backend_path():
    """Dotted path of the configured backend: the setting, else Haystack when installed, else simple."""
    if coleman_settings.SEARCH_BACKEND:
        return coleman_settings.SEARCH_BACKEND
    return HAYSTACK_BACKEND if apps.is_installed("haystack") else SIMPLE_BACKEND


def get_backend(path=None) -> SearchBackend:
    """An instance of the backend named by ``path`` or by the settings."""
    return import_string(path or backend_path())()
