"""App configuration for :mod:`coleman.orders`."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Orders, their status pipeline, shipping charges and the customer's order pages."""

    name = "coleman.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from . import checks  # noqa: F401
        from .receivers import ensure_status_codes

        post_migrate.connect(ensure_status_codes, sender=self, dispatch_uid="coleman.orders.ensure_status_codes")
