"""App configuration for :mod:`coleman.search`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Product search: results page, autocomplete, "more like this", index commands."""

    name = "coleman.search"
    label = "coleman_search"
    verbose_name = _("Search")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
