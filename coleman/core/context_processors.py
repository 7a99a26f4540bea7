"""Template context shared by every page of the store."""

from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from coleman.conf import coleman_settings


class InstalledApps:
    """Answers ``installed.cart``, ``installed.search`` … in templates.

    Templates use it to show optional features only when their app is installed.
    """

    def __getattr__(self, name):
        return apps.is_installed(f"coleman.{name}")

    def __getitem__(self, name):
        return self.__getattr__(name)


@lru_cache(maxsize=16)
def _site_links(urlconf, script_prefix, static_url):
    return {
        "home": reverse("products:home", urlconf=urlconf),
        "products": reverse("products:list", urlconf=urlconf),
        "css": static("css/site.css"),
        "favicon": static("img/favicon.svg"),
        "js": static("js/site.js"),
    }


@receiver(setting_changed)
def _forget_site_links(**kwargs):
    _site_links.cache_clear()


def site_links():
    """URLs that ``base.html`` shows on every page: the home page, all products, the site's
    CSS, icon and script.

    Reversing URLs and looking up hashed static names is a good part of the cost of rendering
    the page frame, so they are worked out once per process (and URL prefix) instead of on
    every request.
    """
    return _site_links(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), settings.STATIC_URL)


def store(request):
    """Add the store's name, currency, the installed-apps guard and the site's links to every
    template."""
    return {
        "store_name": coleman_settings.STORE_NAME,
        "currency": coleman_settings.CURRENCY,
        "installed": InstalledApps(),
        "site_links": site_links(),
    }
