"""App configuration for :mod:`coleman.wishlists`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishlistsConfig(AppConfig):
    """Named wishlists of products, shared by private links, and back-in-stock email alerts."""

    name = "coleman.wishlists"
    label = "wishlists"
    verbose_name = _("Wishlists and stock alerts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from coleman.core.panels import register_panel

        from . import receivers  # noqa: F401 - connects the back-in-stock receiver

        register_panel("customers.profile", "wishlists/panels/profile.html", app=self.name)
