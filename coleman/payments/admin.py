"""Admin of the payments app: the transaction and event logs, and payment actions on orders.

The orders app registers its own ``Order`` admin; this module extends it (subclass and
re-register) with the payment actions (charge, refund, mark shipped with tracking), which
call the order's processor, and a read-only "Payments" section with the order's
transactions and the services' messages.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from coleman.orders.models import Order

from .exceptions import PaymentError
from .models import PaymentEvent, PaymentTransaction
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


def _run(modeladmin, request, queryset, operation, done, **kwargs):
    for order in queryset:
        try:
            processor = processor_for_order(order)
            getattr(processor, operation)(order, **kwargs(order) if callable(kwargs) else kwargs)
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
    from coleman.orders.exceptions import OrderError
    from coleman.orders.services import transition

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
                    "SHIPPED",
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


def _extend_order_admin():
    base = admin.site.get_model_admin(Order) if admin.site.is_registered(Order) else None
    base_class = type(base) if base is not None else admin.ModelAdmin
    if base is not None:
        admin.site.unregister(Order)

    class OrderPaymentsAdmin(base_class):
        """The orders app's order admin, plus payment actions and the order's payment story."""

        actions = [*(base_class.actions or []), charge_orders, refund_orders, ship_orders]
        readonly_fields = [*(base_class.readonly_fields or []), "payment_history"]
        if base_class.fieldsets:
            fieldsets = [*base_class.fieldsets, ("Payments", {"fields": ["payment_history"]})]

        @admin.display(description="Payment transactions and messages")
        def payment_history(self, order):
            """The order's transactions and the services' messages, newest first, with log links."""
            if order is None or order.pk is None:
                return "-"
            transactions = PaymentTransaction.objects.for_order(order)
            events = PaymentEvent.objects.filter(order=order).order_by("-created_at", "-id")
            rows = format_html_join(
                "",
                "<li>{} · {} {} · {} {} · {}</li>",
                (
                    (
                        t.created_at.strftime("%Y-%m-%d %H:%M"),
                        t.processor,
                        t.get_kind_display(),
                        t.get_status_display(),
                        t.amount if t.amount is not None else "",
                        t.message,
                    )
                    for t in transactions
                ),
            )
            messages_ = format_html_join(
                "",
                "<li>{} · {} {} · {} · {}</li>",
                (
                    (
                        e.created_at.strftime("%Y-%m-%d %H:%M"),
                        e.processor,
                        e.kind,
                        e.get_outcome_display(),
                        e.message,
                    )
                    for e in events
                ),
            )
            log_url = reverse("admin:payments_paymentevent_changelist") + f"?q={order.number}"
            return format_html(
                '<p>Transactions</p><ul>{}</ul><p>Messages (<a href="{}">event log</a>)</p><ul>{}</ul>',
                rows or "none",
                log_url,
                messages_ or "none",
            )

    admin.site.register(Order, OrderPaymentsAdmin)


_extend_order_admin()
