"""App configuration for :mod:`coleman.orders`."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Orders, their status pipeline, shipping charges and the customer's order pages."""

    name = "coleman.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self):
        from . import checks  # noqa: F401
