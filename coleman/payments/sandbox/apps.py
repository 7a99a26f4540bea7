"""App configuration of the gateway sandbox (``coleman.payments.sandbox``)."""

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """Local stand-ins for the payment services (development and tests only).

    Installing it where ``COLEMAN_PAYMENTS_ALLOW_SANDBOX`` is not set fails the payments system
    check ``coleman.E108`` (see ``coleman.payments.checks``).
    """

    name = "coleman.payments.sandbox"
    label = "payments_sandbox"
    verbose_name = "Payment gateway sandbox"
