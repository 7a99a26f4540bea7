"""The project's admin app config: Django's admin, then the project's composition of app admins."""

from importlib import import_module

from django.contrib.admin.apps import AdminConfig


class StoreAdminConfig(AdminConfig):
    """Django's admin (``django.contrib.admin``); once every app's ``admin.py`` is discovered it
    loads ``ecommerce_book.admin``, which composes admins across apps (no app imports another's).
    The site is :class:`ecommerce_book.admin_site.StoreAdminSite` (throttled log-ins answer 429)."""

    default_site = "ecommerce_book.admin_site.StoreAdminSite"

    def ready(self):
        super().ready()
        import_module("ecommerce_book.admin")
