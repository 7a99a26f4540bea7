"""The storefront in another language: pages render, and a page cached in one language is
never served in another."""

import pytest
from django.apps import apps
from django.urls import reverse

pytestmark = pytest.mark.django_db

LANGUAGES = [("en", "English"), ("fr", "French")]


@pytest.fixture
def in_french(settings):
    """The store with French as its language (LANGUAGES offers English and French)."""
    settings.LANGUAGE_CODE = "fr"
    settings.LANGUAGES = LANGUAGES
    # The database search backend: its results page is the same template as every backend's,
    # without depending on a search index built by other tests.
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.simple.SimpleSearchBackend"


def storefront_urls(store):
    """Every storefront page of the tiny test catalog, for the apps installed."""
    urls = [
        "/",
        "/products/",
        "/products/?page=1",
        store.fall.get_absolute_url(),
        store.candles.get_absolute_url(),
        store.preserves.get_absolute_url(),
        "/no-such-page/",
    ]
    if apps.is_installed("coleman.cart"):
        urls.append(reverse("cart:detail"))
    if apps.is_installed("coleman.search"):
        urls += [reverse("search:results") + "?q=cranberry", reverse("search:results") + "?q=nothing-matches"]
    return urls


@pytest.mark.parametrize("cookies", [False, True], ids=["first-visit", "returning-shopper"])
def test_the_storefront_renders_in_french(client, store, in_french, cookies):
    """Home, product list, catalog, category, product, cart and search answer in French
    (``<html lang="fr">``) without error, whole pages from the cache and pages rendered for a
    shopper with a cart alike; an unknown address gets the site's 404 page."""
    if cookies and apps.is_installed("coleman.cart"):
        client.post(reverse("cart:add-item", args=[store.preserves.pk]), {"quantity": "2"})
    for url in storefront_urls(store):
        for _ in range(2):  # built, then served from the cache
            if not cookies:
                client.cookies.clear()
            response = client.get(url)
            expected = 404 if url == "/no-such-page/" else 200
            assert response.status_code == expected, url
            page = response.content.decode()
            assert '<html lang="fr">' in page, url
    if cookies and apps.is_installed("coleman.cart"):
        assert "Cranberry Preserves" in client.get(reverse("cart:detail")).content.decode()


def test_a_page_cached_in_one_language_is_not_served_in_another(client, store, settings):
    """Whole pages and fragments are cached per language: after the English home page is
    cached, the French store gets a French page."""
    assert '<html lang="en' in client.get("/").content.decode()
    settings.LANGUAGE_CODE = "fr"
    settings.LANGUAGES = LANGUAGES
    assert '<html lang="fr">' in client.get("/").content.decode()
