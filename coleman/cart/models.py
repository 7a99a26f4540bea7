"""The saved cart: a logged-in customer's cart, kept against their account.

The session keeps the cart a shopper is using (``coleman.cart.cart``); for a logged-in customer
every change is also written here, so the cart is there after logging out and on another
device, where logging in merges it into that device's cart (``coleman.cart.saved``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedCart(models.Model):
    """The cart of one customer, in the same JSON as the session keeps (validated when read)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cart", verbose_name=_("customer")
    )
    contents = models.JSONField(_("contents"), default=dict, blank=True)
    voucher_code = models.CharField(_("voucher code"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved cart")
        verbose_name_plural = _("saved carts")

    def __str__(self):
        return f"{self.user}"
