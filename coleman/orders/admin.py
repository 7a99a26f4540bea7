"""Staff admin for orders: lines, history and feedback inline; pipeline moves as admin actions.

The status is read-only in the form: staff move orders with the actions, which go through
``services.transition`` and so obey the same rules, history and emails as everything else.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import services
from .exceptions import IllegalTransition
from .models import Order, OrderAdjustment, OrderFeedback, OrderStatusChange, ProductInOrder, Status, StatusCode


class ProductInOrderInline(admin.TabularInline):
    """The order's lines as sold (read-only)."""

    model = ProductInOrder
    fields = [
        "name",
        "sku",
        "product",
        "list_price",
        "unit_price",
        "price_note",
        "quantity",
        "line_total",
        "tax",
        "weight",
        "stock_reserved",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


class OrderAdjustmentInline(admin.TabularInline):
    """The order's discounts as placed, with their reasons and tax (read-only)."""

    model = OrderAdjustment
    fields = ["kind", "reason", "code", "amount", "tax"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderStatusChangeInline(admin.TabularInline):
    """The status history (read-only)."""

    model = OrderStatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_status", "to_status")


class OrderFeedbackInline(admin.StackedInline):
    """The customer's feedback thread; staff answer by adding a message (emailed to the customer)."""

    model = OrderFeedback
    fields = ["created_at", "is_staff_reply", "author", "body"]
    readonly_fields = ["created_at", "is_staff_reply", "author"]
    # No empty form until staff press "Add another message" (an order without messages showed
    # an empty "Message: #1" block).
    extra = 0
    can_delete = False
    verbose_name = _("message")
    verbose_name_plural = _("Feedback (add a message to reply to the customer)")

    def has_change_permission(self, request, obj=None):
        return False  # sent messages are part of the record

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "order")


class TrackingForm(forms.Form):
    """Intermediate form of "Mark shipped": a tracking number for each order."""

    note = forms.CharField(required=False, max_length=500, help_text=_("Optional; included in the email."))

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        for order in orders:
            self.fields[f"tracking_{order.pk}"] = forms.CharField(
                label=_("Tracking number for %(number)s") % {"number": order.number}, max_length=100
            )


class NoteForm(forms.Form):
    """Intermediate form of "Flag exception": why (shown to the customer)."""

    note = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Emailed to the customer.")
    )


@admin.register(StatusCode)
class StatusCodeAdmin(admin.ModelAdmin):
    """Status names and descriptions; the short names are fixed (the pipeline refers to them)."""

    list_display = ["short_name", "name", "description"]

    def get_readonly_fields(self, request, obj=None):
        return ["short_name"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders with their lines, history and feedback; pipeline actions in the list."""

    # Few enough columns to fit beside the filters at 1280 px (the email is searchable and on the
    # order's page).
    list_display = ["number", "placed_at", "status", "ship_name", "total", "tracking_number"]
    list_filter = ["status", "placed_at"]
    list_select_related = ["status"]
    date_hierarchy = "placed_at"
    search_fields = [
        "number",
        "email",
        "ship_name",
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
    ]
    inlines = [ProductInOrderInline, OrderAdjustmentInline, OrderStatusChangeInline, OrderFeedbackInline]
    actions = ["mark_paid", "mark_shipped", "mark_closed", "flag_exception", "cancel_orders"]
    fieldsets = [
        (None, {"fields": ["number", "status", "user", "email", "placed_at", "updated_at"]}),
        (
            _("Amounts"),
            {
                "fields": [
                    "currency",
                    "subtotal",
                    "voucher_code",
                    "discount",
                    "shipping_method",
                    "shipping",
                    "tax_description",
                    "tax",
                    "tax_included",
                    "total",
                ]
            },
        ),
        (
            _("Shipping"),
            {
                "fields": [
                    "ship_name",
                    "ship_line1",
                    "ship_line2",
                    "ship_line3",
                    "ship_city",
                    "ship_state",
                    "ship_postal_code",
                    "ship_country",
                    "tracking_number",
                ]
            },
        ),
        (_("Customer notes"), {"fields": ["comments"]}),
    ]
    readonly_fields = [
        "number",
        "status",
        "user",
        "email",
        "placed_at",
        "updated_at",
        "currency",
        "subtotal",
        "voucher_code",
        "discount",
        "shipping_method",
        "shipping",
        "tax_description",
        "tax",
        "tax_included",
        "total",
        "ship_name",
        "ship_line1",
        "ship_line2",
        "ship_line3",
        "ship_city",
        "ship_state",
        "ship_postal_code",
        "ship_country",
        "tracking_number",
        "comments",
    ]

    def has_add_permission(self, request):
        return False  # orders are placed at checkout

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrderFeedback:
            return super().save_formset(request, form, formset, change)
        for instance in formset.save(commit=False):
            if instance.pk is None and instance.body.strip():
                services.add_feedback(form.instance, instance.body, author=request.user, staff_reply=True)
        formset.save_m2m()

    # --- pipeline actions -------------------------------------------------------------

    def _move(self, request, queryset, to_status, *, notes=None, tracking=None):
        moved, refused = [], []
        for order in queryset:
            try:
                services.transition(
                    order,
                    to_status,
                    by=request.user,
                    note=(notes or {}).get(order.pk, ""),
                    tracking_number=(tracking or {}).get(order.pk),
                )
            except IllegalTransition as exc:
                refused.append(str(exc))
            else:
                moved.append(order.number)
        label = Status.label_for(to_status)
        if moved:
            text = _("%(count)d order(s) now %(status)s: %(numbers)s.") % {
                "count": len(moved),
                "status": label,
                "numbers": ", ".join(moved),
            }
            self.message_user(request, text, messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    def _intermediate(self, request, queryset, form, *, action, title, explanation, submit_label):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "explanation": explanation,
            "submit_label": submit_label,
            "form": form,
            "orders": list(queryset),
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/transition_form.html", context)

    @admin.action(description=_("Mark paid"), permissions=["change"])
    def mark_paid(self, request, queryset):
        """Record a payment received outside a payment service."""
        self._move(request, queryset, Status.PAID)

    @admin.action(description=_("Mark shipped (with tracking numbers)…"), permissions=["change"])
    def mark_shipped(self, request, queryset):
        """Ask for a tracking number per order, then move them to SHIPPED."""
        orders = list(queryset.order_by("placed_at"))
        if "apply" in request.POST:
            form = TrackingForm(request.POST, orders=orders)
            if form.is_valid():
                tracking = {order.pk: form.cleaned_data[f"tracking_{order.pk}"] for order in orders}
                notes = {order.pk: form.cleaned_data["note"] for order in orders}
                self._move(request, queryset, Status.SHIPPED, notes=notes, tracking=tracking)
                return None
        else:
            form = TrackingForm(orders=orders)
        return self._intermediate(
            request,
            queryset,
            form,
            action="mark_shipped",
            title=_("Mark orders shipped"),
            explanation=_("Enter the carrier's tracking number for each order; the customer is emailed."),
            submit_label=_("Mark shipped"),
        )

    @admin.action(description=_("Close"), permissions=["change"])
    def mark_closed(self, request, queryset):
        """Close delivered orders."""
        self._move(request, queryset, Status.CLOSED)

    @admin.action(description=_("Flag exception…"), permissions=["change"])
    def flag_exception(self, request, queryset):
        """Ask why, then move the orders to EXCEPTION."""
        if "apply" in request.POST:
            form = NoteForm(request.POST)
            if form.is_valid():
                notes = {order.pk: form.cleaned_data["note"] for order in queryset}
                self._move(request, queryset, Status.EXCEPTION, notes=notes)
                return None
        else:
            form = NoteForm()
        return self._intermediate(
            request,
            queryset,
            form,
            action="flag_exception",
            title=_("Flag orders as needing attention"),
            explanation=_("Say what went wrong; the note is emailed to the customer."),
            submit_label=_("Flag exception"),
        )

    @admin.action(description=_("Cancel (release stock)"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        """Cancel orders and put their reserved stock back."""
        self._move(request, queryset, Status.CANCELLED)
