"""The store works with every optional app removed from the settings.

Written against ``settings.OPTIONAL_APPS`` rather than a list of names, so it keeps proving
the promise as apps (ratings, search…) are added to that list.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver

from tests.helpers import site_without

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_optional_apps():
    """The site as if every optional app had been deleted from INSTALLED_APPS."""
    with site_without(list(settings.OPTIONAL_APPS)) as removed:
        yield removed


def test_optional_apps_are_part_of_the_normal_site():
    """Every optional app is installed in the normal settings (so removing it means something)."""
    for app in settings.OPTIONAL_APPS:
        assert app in settings.INSTALLED_APPS


def test_home_and_product_pages_render_without_optional_apps(client, store, without_optional_apps):
    """Home, lists and product page answer 200 with the optional apps gone, and their URLs are gone too."""
    namespaces = get_resolver().namespace_dict
    assert "products" in namespaces
    for app in without_optional_apps:
        assert not apps.is_installed(app)
        assert app.rsplit(".", 1)[-1] not in namespaces  # its URLs are not mounted
    for url in ["/", "/products/", "/catalogs/fall-collection/gifts/", "/products/cranberry-preserves/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/products/cranberry-preserves/").content.decode()
    assert "Cranberry Preserves" in page and "$4.50" in page


def test_site_is_whole_again_afterwards(client, store):
    """With the normal settings the store still answers (the URLconf was restored)."""
    assert client.get("/products/cranberry-preserves/").status_code == 200
