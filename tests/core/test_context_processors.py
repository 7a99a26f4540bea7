"""The store context every page gets."""

import pytest
from django.test import RequestFactory, override_settings

from coleman.core.context_processors import site_links, store


def test_site_links_point_at_the_store():
    """The frame's links are the home page, the product list and the site's static files."""
    links = site_links()
    assert links["home"] == "/" and links["products"] == "/products/"
    assert links["css"].startswith("/static/css/site") and links["css"].endswith(".css")
    assert links["js"].startswith("/static/js/site")


@override_settings(STATIC_URL="/assets/")
def test_site_links_follow_a_settings_change():
    """Links worked out once are forgotten when a setting changes."""
    assert site_links()["css"].startswith("/assets/")


def test_store_context(settings):
    """Every template gets the store's name, currency, the installed-apps guard and links."""
    settings.COLEMAN_STORE_NAME = "Bog Shop"
    context = store(RequestFactory().get("/"))
    assert context["store_name"] == "Bog Shop"
    assert context["currency"] == "USD"
    assert context["installed"].products is True
    assert context["installed"]["nonexistent"] is False
    assert context["site_links"]["home"] == "/"


@pytest.mark.django_db
def test_base_template_uses_the_links(client):
    """The page frame links home, all products and the stylesheet."""
    page = client.get("/products/").content.decode()
    assert 'class="brand" href="/"' in page
    assert '<a href="/products/">All products</a>' in page
    assert 'rel="stylesheet" href="/static/css/site' in page
