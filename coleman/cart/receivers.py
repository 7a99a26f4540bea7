"""Signal handlers of the cart: a customer's saved cart joins the session's cart on login, and
a changed tax rate refreshes the cached cart pages (whose totals show the tax)."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coleman.products.cache import catalog_changed_by_update
from coleman.tax.models import SalesTaxRate, VatRate

from .cart import Cart
from .saved import merge_on_login


@receiver(user_logged_in, dispatch_uid="coleman.cart.merge_saved_cart")
def merge_saved_cart(sender, request, user, **kwargs):
    """Merge ``user``'s saved cart into the cart they built before logging in."""
    if request is None or not hasattr(request, "session"):
        return
    merge_on_login(request, user, Cart)


@receiver(post_save, sender=SalesTaxRate, dispatch_uid="coleman.cart.sales_tax_rate_saved")
@receiver(post_delete, sender=SalesTaxRate, dispatch_uid="coleman.cart.sales_tax_rate_deleted")
@receiver(post_save, sender=VatRate, dispatch_uid="coleman.cart.vat_rate_saved")
@receiver(post_delete, sender=VatRate, dispatch_uid="coleman.cart.vat_rate_deleted")
def tax_rates_changed(sender, using=None, **kwargs):
    """Cached cart pages are kept under the catalog version: a new rate gives a new version."""
    catalog_changed_by_update(using=using)
