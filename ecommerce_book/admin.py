"""The project's admin: where the apps' admin pieces are put together.

An app never imports another app's admin. The orders app registers its ``OrderAdmin``; the
payments app offers ``PaymentOrderAdminMixin`` (payment actions and the order's transactions
and messages). This module, imported by :class:`ecommerce_book.apps.StoreAdminConfig` once
every app's ``admin.py`` is loaded, replaces the orders registration with the composition.
"""

from django.apps import apps
from django.contrib import admin

from coleman.orders.admin import OrderAdmin
from coleman.orders.models import Order

if apps.is_installed("coleman.payments"):
    from coleman.payments.admin import PaymentOrderAdminMixin

    class StoreOrderAdmin(PaymentOrderAdminMixin, OrderAdmin):
        """The orders app's order admin with the payments app's actions and inlines."""

    admin.site.unregister(Order)
    admin.site.register(Order, StoreOrderAdmin)
