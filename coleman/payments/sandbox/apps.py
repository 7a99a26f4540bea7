"""App configuration of the gateway sandbox (``coleman.payments.sandbox``)."""

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class SandboxConfig(AppConfig):
    """Local stand-ins for the payment services; refuses to load in production settings."""

    name = "coleman.payments.sandbox"
    label = "payments_sandbox"
    verbose_name = "Payment gateway sandbox"

    def ready(self):
        from coleman.conf import coleman_settings

        if coleman_settings.PAYMENTS_SANDBOX_FORBIDDEN:
            raise ImproperlyConfigured(
                "The payment gateway sandbox (coleman.payments.sandbox) must not be installed in production: "
                "remove it from INSTALLED_APPS."
            )
