"""App configuration for :mod:`coleman.customers`."""

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Shopper accounts, their profiles and address books."""

    name = "coleman.customers"
    label = "customers"
    verbose_name = "Customers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401
