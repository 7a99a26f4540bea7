"""App configuration for :mod:`coleman.search`."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Product search: results page, autocomplete, "more like this", index commands."""

    name = "coleman.search"
    label = "coleman_search"
    verbose_name = "Search"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
