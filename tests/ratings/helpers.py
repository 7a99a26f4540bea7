"""Addresses used by the ratings tests."""

# A login page address that resolves whether or not the customers app is installed.
TEST_LOGIN_URL = "/accounts/login/"


def rate_url(product, stars):
    """The rating URL of ``product`` for ``stars``."""
    return f"/ratings/products.product/{product.pk}/{stars}/"


def review_url(product):
    """The review URL of ``product``."""
    return f"/ratings/reviews/products.product/{product.pk}/"
