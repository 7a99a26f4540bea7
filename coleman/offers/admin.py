"""Admin screens for offers and vouchers: what runs now, uses left, who used a voucher."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Offer, Voucher, VoucherUse


class RunningFilter(admin.SimpleListFilter):
    """Filter by "running now"."""

    title = _("running now")
    parameter_name = "running"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        running = queryset.filter(is_active=True, starts_at__lte=now).exclude(ends_at__lte=now)
        if self.value() == "yes":
            return running
        if self.value() == "no":
            return queryset.exclude(pk__in=running.values("pk"))
        return queryset


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Automatic offers: a percentage off a catalog or category, or "buy N, pay for M"."""

    list_display = [
        "name",
        "kind",
        "percent",
        "buy_quantity",
        "pay_quantity",
        "catalog",
        "category",
        "starts_at",
        "ends_at",
        "is_active",
    ]
    list_editable = ["is_active"]
    list_filter = [RunningFilter, "kind", "is_active"]
    list_select_related = ["catalog", "category__catalog", "category__parent"]
    search_fields = ["name"]
    autocomplete_fields = ["category"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "is_active"]}),
        (_("Discount"), {"fields": ["percent", ("buy_quantity", "pay_quantity")]}),
        (_("Applies to"), {"fields": ["catalog", "category"]}),
        (_("Period"), {"fields": ["starts_at", "ends_at"]}),
    ]


class VoucherUseInline(admin.TabularInline):
    """The orders that used a voucher (read only)."""

    model = VoucherUse
    extra = 0
    can_delete = False
    fields = ["order_number", "email", "user", "discount", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    """Voucher codes with their limits and how often they were used."""

    list_display = [
        "code",
        "kind",
        "value",
        "category",
        "minimum_order",
        "uses",
        "max_uses",
        "starts_at",
        "ends_at",
        "is_active",
    ]
    list_editable = ["is_active"]
    list_filter = [RunningFilter, "kind", "is_active"]
    list_select_related = ["category__catalog", "category__parent"]
    search_fields = ["code", "description"]
    autocomplete_fields = ["category"]
    readonly_fields = ["uses"]
    inlines = [VoucherUseInline]
    fieldsets = [
        (None, {"fields": ["code", "description", "is_active"]}),
        (_("Discount"), {"fields": ["kind", "value", "category", "minimum_order"]}),
        (_("Limits"), {"fields": [("starts_at", "ends_at"), ("max_uses", "uses"), "max_uses_per_customer"]}),
    ]
