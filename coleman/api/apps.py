"""App configuration for :mod:`coleman.api`."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The data API: catalog, products, orders; JSON, XML and YAML; OpenAPI schema."""

    name = "coleman.api"
    label = "coleman_api"
    verbose_name = "Data API"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
