"""Signal handlers of the cart: a customer's saved cart joins the session's cart on login."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .cart import Cart
from .saved import merge_on_login


@receiver(user_logged_in, dispatch_uid="coleman.cart.merge_saved_cart")
def merge_saved_cart(sender, request, user, **kwargs):
    """Merge ``user``'s saved cart into the cart they built before logging in."""
    if request is None or not hasattr(request, "session"):
        return
    merge_on_login(request, user, Cart)
