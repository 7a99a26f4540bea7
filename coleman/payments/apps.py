"""App configuration for :mod:`coleman.payments`."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """The payment framework: processors, checkout hand-off, the payment-event log."""

    name = "coleman.payments"
    label = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
