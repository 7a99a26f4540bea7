"""App configuration for :mod:`coleman.reports`."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Staff reports: sales by month and category, top products, order statuses, inventory."""

    name = "coleman.reports"
    label = "reports"
    verbose_name = "Reports"
