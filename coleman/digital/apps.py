"""App configuration for :mod:`coleman.digital`."""

from django.apps import AppConfig


class DigitalConfig(AppConfig):
    """Digital goods (private files, signed expiring links, license keys) and subscriptions."""

    name = "coleman.digital"
    label = "digital"
    verbose_name = "Digital goods and subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from coleman.core.panels import register_panel
        from coleman.payments.digital_delivery import register_digital_content_provider

        from . import checks, receivers  # noqa: F401 - registers checks and signal receivers
        from .delivery import digital_content_for_order

        register_panel("orders.order_detail", "digital/panels/order_detail.html", app=self.name)
        register_panel("orders.email.paid", "digital/panels/order_email_paid.txt", app=self.name)
        register_panel("customers.profile", "digital/panels/profile.html", app=self.name)
        # Google Checkout's Digital Delivery shows each line's key, link or description.
        register_digital_content_provider(digital_content_for_order, app=self.name)
