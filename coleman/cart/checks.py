"""System checks for the cart's settings."""

from django.core.checks import Error, register

from coleman.conf import coleman_settings


@register()
def check_cart_settings(app_configs, **kwargs):
    """``COLEMAN_CART_MAX_QUANTITY`` and ``COLEMAN_CART_MAX_LINES`` must be positive integers."""
    errors = []
    for name in ["CART_MAX_QUANTITY", "CART_MAX_LINES"]:
        value = getattr(coleman_settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(
                Error(f"COLEMAN_{name} must be a positive integer.", hint=f"It is {value!r}.", id="coleman.E031")
            )
    return errors
