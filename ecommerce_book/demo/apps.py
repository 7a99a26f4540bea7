"""App configuration of the CranStore demo (development, tests and benchmarks only)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The CranStore.com demo data and its management commands."""

    name = "ecommerce_book.demo"
    label = "demo"
    verbose_name = "CranStore demo"
