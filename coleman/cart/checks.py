"""System checks for the cart's settings."""

from django.core.checks import Error, register

from coleman.conf import coleman_settings


@register()
def check_cart_settings(app_configs, **kwargs):
    """``COLEMAN_CART_MAX_QUANTITY`` must be a positive integer."""
    value = coleman_settings.CART_MAX_QUANTITY
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [
            Error(
                "COLEMAN_CART_MAX_QUANTITY must be a positive integer.",
                hint=f"It is {value!r}.",
                id="coleman.E031",
            )
        ]
    return []
