"""Admin of the payments app: the transaction and event logs, and the payments part of an order's admin.

The logs (``PaymentTransaction``, ``PaymentEvent``) are registered here. The order's admin
belongs to the orders app; this app offers what a project adds to it:
:class:`PaymentOrderAdminMixin` (staff payment actions: charge, refund, mark shipped with
tracking, each calling the order's processor) and the read-only inlines of the order's
transactions and the services' messages. The project composes them, e.g.::

    class OrderAdmin(PaymentOrderAdminMixin, coleman.orders.admin.OrderAdmin): ...

(``ecommerce_book/admin.py`` does, and registers the result.)
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from coleman.orders.exceptions import OrderError
from coleman.orders.services import transition
from coleman.orders.statuses import Status

from .exceptions import PaymentError
from .models import PaymentEvent, PaymentTransaction, TokenAction, TokenKind, TokenReference, TokenStatus
from .processors import get_processor
from .processors.amazon import instruments
from .services import processor_for_order


class ReadOnlyAdminMixin:
    """Logs are written by the store only: staff read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentTransaction)
class PaymentTransactionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every request to a payment service and its answer."""

    list_display = ["created_at", "order", "processor", "kind", "status", "amount", "currency", "reference"]
    list_filter = ["processor", "kind", "status"]
    search_fields = ["order__number", "reference", "remote_id"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The payment-event log: every inbound message, accepted or not."""

    list_display = ["created_at", "processor", "kind", "order", "authenticated", "outcome", "message"]
    list_filter = ["processor", "outcome", "authenticated", "kind"]
    search_fields = ["order__number", "idempotency_key", "message"]
    list_select_related = ["order"]
    date_hierarchy = "created_at"


# --- on the order's admin page -------------------------------------------------------------


@admin.register(TokenReference)
class TokenReferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Amazon FPS aggregated payments: customers' prepaid and postpaid instruments and every call on them."""

    list_display = [
        "created_at",
        "user",
        "kind",
        "action",
        "status",
        "amount",
        "available",
        "other",
        "caller_reference",
        "transaction_id",
        "order",
    ]
    list_filter = ["kind", "action", "status"]
    search_fields = ["caller_reference", "sender_reference", "instrument_id", "transaction_id", "user__username"]
    list_select_related = ["user", "order"]
    date_hierarchy = "created_at"
    actions = ["refresh_balances", "settle_debts"]

    def _run(self, request, queryset, operation, verb):
        for setup in queryset.filter(action=TokenAction.SETUP, status=TokenStatus.ACTIVE):
            try:
                done = operation(get_processor(setup.processor), setup)
            except PaymentError as exc:
                self.message_user(request, f"{setup}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{setup}: {verb if done is not None else 'nothing to do'}.")

    @admin.action(description="Read the balance from Amazon")
    def refresh_balances(self, request, queryset):
        """GetPrepaidBalance / GetDebtBalance for the selected instruments."""
        self._run(request, queryset, instruments.refresh_balance, "balance read")

    @admin.action(description="Settle the debt now (postpaid)")
    def settle_debts(self, request, queryset):
        """SettleDebt for the whole debt of the selected postpaid instruments."""
        self._run(request, queryset.filter(kind=TokenKind.POSTPAID), instruments.settle, "debt settled")


class PaymentTransactionInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The order's requests to payment services and their answers (read-only)."""

    model = PaymentTransaction
    fields = ["created_at", "processor", "kind", "status", "amount", "currency", "reference", "message"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    extra = 0
    verbose_name_plural = "Payment transactions"


class PaymentEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The services' messages about the order, as received and understood (read-only)."""

    model = PaymentEvent
    fields = ["created_at", "processor", "kind", "authenticated", "outcome", "message"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    extra = 0
    verbose_name_plural = "Payment messages (the services' notifications, returns and callbacks)"


def _run(modeladmin, request, queryset, operation, done, **kwargs):
    for order in queryset:
        try:
            processor = processor_for_order(order)
            getattr(processor, operation)(order, **kwargs)
        except PaymentError as exc:
            modeladmin.message_user(request, f"Order {order.number}: {exc}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"Order {order.number}: {done}", messages.SUCCESS)


@admin.action(description="Charge the payment (via the order's payment service)", permissions=["change"])
def charge_orders(modeladmin, request, queryset):
    """Ask each order's payment service to capture the order total."""
    _run(modeladmin, request, queryset, "charge", "charge requested.")


@admin.action(description="Refund the payment (via the order's payment service)", permissions=["change"])
def refund_orders(modeladmin, request, queryset):
    """Ask each order's payment service to refund what was charged."""
    _run(modeladmin, request, queryset, "refund", "refund requested.", reason="Refunded by the store")


class ShipForm(forms.Form):
    """Carrier and tracking number for one order."""

    carrier = forms.CharField(max_length=40, required=False, initial="UPS")
    tracking_number = forms.CharField(max_length=100)


@admin.action(description="Mark shipped and tell the payment service (tracking)", permissions=["change"])
def ship_orders(modeladmin, request, queryset):
    """Ask for tracking numbers, then tell each order's service and mark the orders SHIPPED."""
    orders = list(queryset)
    forms_by_order = [
        (order, ShipForm(request.POST if "apply" in request.POST else None, prefix=f"o{order.pk}")) for order in orders
    ]
    if "apply" in request.POST and all(form.is_valid() for _, form in forms_by_order):
        for order, form in forms_by_order:
            tracking, carrier = form.cleaned_data["tracking_number"], form.cleaned_data["carrier"]
            try:
                transition(
                    order,
                    Status.SHIPPED,
                    by=request.user,
                    note=f"Shipped {carrier} {tracking}",
                    tracking_number=tracking,
                )
            except OrderError as exc:
                modeladmin.message_user(request, f"Order {order.number}: {exc}", messages.ERROR)
                continue
            try:
                processor_for_order(order).ship(order, tracking_number=tracking, carrier=carrier)
            except PaymentError as exc:
                modeladmin.message_user(
                    request,
                    f"Order {order.number} marked shipped; payment service not told ({exc}).",
                    messages.WARNING,
                )
            else:
                modeladmin.message_user(request, f"Order {order.number} marked shipped.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Mark orders shipped",
        "forms_by_order": forms_by_order,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "payments/admin/ship_orders.html", context)


class PaymentOrderAdminMixin:
    """The payments part of an order admin: staff payment actions and the order's payment story.

    Put it before the order admin class it extends; it adds :attr:`payment_actions` to the
    admin's ``actions`` and :attr:`payment_inlines` to its ``inlines``.
    """

    payment_actions = [charge_orders, refund_orders, ship_orders]
    payment_inlines = [PaymentTransactionInline, PaymentEventInline]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if self.actions is not None:
            self.actions = [*self.actions, *self.payment_actions]
        self.inlines = [*self.inlines, *self.payment_inlines]


__all__ = [
    "PaymentEventAdmin",
    "PaymentEventInline",
    "PaymentOrderAdminMixin",
    "PaymentTransactionAdmin",
    "PaymentTransactionInline",
    "charge_orders",
    "refund_orders",
    "ship_orders",
]
