"""App configuration for :mod:`coleman.payments`."""

from django.apps import AppConfig
from django.core import checks

from coleman.core.panels import register_panel

from .checks import check_processors, check_sandbox


class PaymentsConfig(AppConfig):
    """The payment framework: processors, checkout hand-off, the payment-event log."""

    name = "coleman.payments"
    label = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        checks.register(check_processors)
        checks.register(check_sandbox)
        # The customer's Amazon prepaid balance / postpaid credit on their account page.
        register_panel("customers.profile", "payments/amazon/panels/profile.html", app=self.name)
        # An unpaid order's page offers to pay it (a shopper may come back to it later).
        register_panel("orders.order_detail", "payments/panels/pay_order.html", app=self.name)
