"""Admin of wishlists and back-in-stock alerts.

Staff see who waits for what (alerts, filtered by product and by waiting or sent) and, on
"Awaited products", the number of shoppers waiting for each product, most awaited first,
each linking to its waiting alerts. The products' own admin is left alone: stock is raised
there, and saving a product in stock sends its alerts.
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AwaitedProduct, StockAlert, Wishlist, WishlistItem


class WaitingFilter(admin.SimpleListFilter):
    """Alerts still waiting, or already sent."""

    title = _("state")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting")), ("no", _("Sent"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    """Back-in-stock alerts: read-only records of who asked and when each was sent."""

    list_display = ["product", "email", "user", "created", "sent_at"]
    list_select_related = ["product", "user"]
    list_filter = [WaitingFilter, ("product", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "product__name", "user__username", "user__email"]
    date_hierarchy = "created"
    readonly_fields = ["product", "user", "email", "created", "sent_at", "batch"]

    def has_add_permission(self, request):
        return False  # shoppers ask from the product page

    def has_change_permission(self, request, obj=None):
        return False


class HasWaitingFilter(admin.SimpleListFilter):
    """Products someone is waiting for (the default view), or all products."""

    title = _("waiting shoppers")
    parameter_name = "awaited"

    def lookups(self, request, model_admin):
        return [("all", _("All products"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Someone waiting"),
        }
        yield {
            "selected": self.value() == "all",
            "query_string": changelist.get_query_string({self.parameter_name: "all"}),
            "display": _("All products"),
        }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(waiting__gt=0)


@admin.register(AwaitedProduct)
class AwaitedProductAdmin(admin.ModelAdmin):
    """Products with the number of shoppers waiting for them (one query per page)."""

    list_display = ["name", "stock", "is_active", "waiting_count"]
    list_filter = [HasWaitingFilter]
    search_fields = ["name", "slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_waiting_counts().order_by("-waiting", "name", "id")

    @admin.display(description=_("waiting"), ordering="waiting")
    def waiting_count(self, obj):
        url = reverse("admin:wishlists_stockalert_changelist")
        return format_html('<a href="{}?product__id__exact={}&amp;waiting=yes">{}</a>', url, obj.pk, obj.waiting)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WishlistItemInline(admin.TabularInline):
    """The products on a list."""

    model = WishlistItem
    extra = 0
    fields = ["product", "added"]
    readonly_fields = ["product", "added"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Wishlist)
class WishlistAdmin(admin.ModelAdmin):
    """Customers' lists (read-only: they are the customers' own)."""

    list_display = ["name", "owner", "item_count", "is_shared", "updated"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username", "owner__email"]
    readonly_fields = ["owner", "name", "created", "updated"]
    inlines = [WishlistItemInline]

    def has_change_permission(self, request, obj=None):
        return False  # the customers' own; staff may look, or delete one

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("products"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    @admin.display(description=_("shared"), boolean=True)
    def is_shared(self, obj):
        return obj.is_shared

    def has_add_permission(self, request):
        return False
