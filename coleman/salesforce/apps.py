"""App configuration for :mod:`coleman.salesforce`."""

from django.apps import AppConfig


class SalesforceConfig(AppConfig):
    """Pushes products, customers and orders to a Salesforce org and records each sync."""

    name = "coleman.salesforce"
    label = "salesforce"
    verbose_name = "Salesforce sync"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
