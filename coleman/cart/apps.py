"""App configuration for :mod:`coleman.cart`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartConfig(AppConfig):
    """The session shopping cart and its pages."""

    name = "coleman.cart"
    label = "cart"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Shopping cart")

    def ready(self):
        from . import checks, receivers  # noqa: F401
