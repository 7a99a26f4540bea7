"""The order admin is composed by the project: the orders app's admin plus the payments mixin."""

from django.contrib import admin

from coleman.orders.admin import OrderAdmin
from coleman.orders.models import Order
from coleman.payments.admin import PaymentEventInline, PaymentOrderAdminMixin, PaymentTransactionInline


def test_the_project_composes_the_order_admin():
    """Order is registered once, as the orders app's OrderAdmin with PaymentOrderAdminMixin: the
    orders actions and inlines come first, the payment ones after."""
    model_admin = admin.site.get_model_admin(Order)
    assert isinstance(model_admin, OrderAdmin) and isinstance(model_admin, PaymentOrderAdminMixin)
    names = [action if isinstance(action, str) else action.__name__ for action in model_admin.actions]
    assert names == [*OrderAdmin.actions, "charge_orders", "refund_orders", "ship_orders"]
    assert model_admin.inlines == [*OrderAdmin.inlines, PaymentTransactionInline, PaymentEventInline]


def test_the_mixin_leaves_the_class_it_extends_untouched():
    """The mixin extends the admin instance's lists, never the orders app's class attributes."""
    composed = type("Composed", (PaymentOrderAdminMixin, OrderAdmin), {})(Order, admin.AdminSite())
    assert len(composed.actions) == len(OrderAdmin.actions) + 3
    assert PaymentTransactionInline not in OrderAdmin.inlines and "charge_orders" not in OrderAdmin.actions
