"""App configuration for :mod:`coleman.offers`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    """Automatic offers and voucher codes; registers the automatic-offer price rule."""

    name = "coleman.offers"
    label = "offers"
    verbose_name = _("Offers and vouchers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from coleman.products.prices import register_price_rule

        from . import receivers  # noqa: F401
        from .snapshot import automatic_price

        register_price_rule(automatic_price)
