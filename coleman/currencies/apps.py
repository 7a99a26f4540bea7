"""App configuration for :mod:`coleman.currencies`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrenciesConfig(AppConfig):
    """Display currencies: approximate prices in a shopper's chosen currency (orders stay in the
    store's). Adds its panels to the product and cart pages, and keeps cached pages per currency."""

    name = "coleman.currencies"
    label = "currencies"
    verbose_name = _("Display currencies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from coleman.core.panels import register_panel
        from coleman.products.page_cache import register_page_variant

        from . import receivers  # noqa: F401
        from .rates import page_variant

        # Whole pages kept for returning shoppers show approximate prices: one copy per currency.
        register_page_variant(page_variant)

        register_panel("products.product_detail.price", "currencies/panels/product_price.html", app=self.name)
        register_panel("cart.cart_detail.total", "currencies/panels/cart_total.html", app=self.name)
