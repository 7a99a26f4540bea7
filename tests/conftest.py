"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache (cached catalog fragments, throttles)."""
    cache.clear()
    yield
    cache.clear()


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
# being slow. Tests that need other settings still pass their own @settings.
hypothesis_settings.register_profile(
    "coleman", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
hypothesis_settings.load_profile("coleman")


def pytest_sessionfinish(session, exitstatus):
    """Detach the stderr handler Haystack's ``update_index`` gives multiprocessing's logger at
    import: pytest has closed that stream by the time the process exits and logs to it."""
    import multiprocessing

    logger = multiprocessing.get_logger()
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
