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
        from coleman.products.page_cache import register_live_part

        from . import checks, receivers  # noqa: F401
        from .templatetags.cart import cart_summary_html

        # Cached pages fill in the cart summary by calling this, without the template engine.
        register_live_part("cart/_live_summary.html", cart_summary_html)
