"""App configuration for :mod:`coleman.customers`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Shopper accounts, their profiles and address books."""

    name = "coleman.customers"
    label = "customers"
    verbose_name = _("Customers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401
