"""Fixtures shared by the whole suite."""

import os
from decimal import Decimal

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories.products import AttributeFactory, CatalogFactory, CategoryFactory, DetailFactory, ProductFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache (cached catalog fragments, throttles)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def store(db):
    """Two catalogs; "Fall Collection" has Gifts → Candles and Apparel, and Food.

    Products: a candle (in Candles), a T-shirt (in Apparel), preserves (in Food) with a
    Tartness detail, a discontinued mouse pad (in Gifts), and a standard-collection juice.
    """

    class Store:
        fall = CatalogFactory(name="Fall Collection", slug="fall-collection")
        standard = CatalogFactory(name="Standard Collection", slug="standard-collection")
        gifts = CategoryFactory(catalog=fall, name="Gifts", slug="gifts")
        candles = CategoryFactory(catalog=fall, parent=gifts, name="Candles", slug="candles")
        apparel = CategoryFactory(catalog=fall, parent=gifts, name="Apparel", slug="apparel")
        food = CategoryFactory(catalog=fall, name="Food", slug="food")
        drinks = CategoryFactory(catalog=standard, name="Drinks", slug="drinks")
        candle = ProductFactory(
            category=candles,
            name="Cranberry Scented Candle",
            slug="cranberry-scented-candle",
            price=Decimal("14.00"),
            is_featured=True,
        )
        shirt = ProductFactory(category=apparel, name="Harvest T-shirt", slug="harvest-t-shirt", price=Decimal("18.00"))
        preserves = ProductFactory(
            category=food,
            name="Cranberry Preserves",
            slug="cranberry-preserves",
            price=Decimal("4.50"),
            description="Tasty jam made from cranberries.",
        )
        mouse_pad = ProductFactory(category=gifts, name="Bog Mouse Pad", slug="bog-mouse-pad", is_active=False)
        juice = ProductFactory(category=drinks, name="Cranberry Juice", slug="cranberry-juice", price=Decimal("3.99"))
        tartness = AttributeFactory(name="Tartness")
        tart_detail = DetailFactory(product=preserves, attribute=tartness, value="Extremely Tart")

    return Store


@pytest.fixture
def staff_user(django_user_model):
    """A superuser who can use the admin."""
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")


@pytest.fixture
def staff_client(client, staff_user):
    """A test client logged in as a superuser."""
    client.force_login(staff_user)
    return client


# Property-based tests judge behaviour, not speed: a loaded CI machine must not fail them for
# being slow. Tests that need other settings still pass their own @settings. The default
# profile is derandomized, so a run (CI's included) tries the same examples every time and a
# failure is reproducible; HYPOTHESIS_PROFILE=explore searches new ones (and more of them).
_HYPOTHESIS_DEFAULTS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}
hypothesis_settings.register_profile("coleman", derandomize=True, **_HYPOTHESIS_DEFAULTS)
hypothesis_settings.register_profile("explore", max_examples=500, **_HYPOTHESIS_DEFAULTS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "coleman"))


def pytest_sessionfinish(session, exitstatus):
    """Detach the stderr handler Haystack's ``update_index`` gives multiprocessing's logger at
    import: pytest has closed that stream by the time the process exits and logs to it."""
    import multiprocessing

    logger = multiprocessing.get_logger()
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
