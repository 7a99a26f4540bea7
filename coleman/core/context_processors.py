"""Template context shared by every page of the store."""

from django.apps import apps

from coleman.conf import coleman_settings


class InstalledApps:
    """Answers ``installed.cart``, ``installed.search`` … in templates.

    Templates use it to show optional features only when their app is installed.
    """

    def __getattr__(self, name):
        return apps.is_installed(f"coleman.{name}")

    def __getitem__(self, name):
        return self.__getattr__(name)


def store(request):
    """Add the store's name, currency and the installed-apps guard to every template."""
    return {
        "store_name": coleman_settings.STORE_NAME,
        "currency": coleman_settings.CURRENCY,
        "installed": InstalledApps(),
    }
