"""Admin for saved carts: staff can see what a customer keeps in their cart (read only)."""

from django.contrib import admin

from .models import SavedCart


@admin.register(SavedCart)
class SavedCartAdmin(admin.ModelAdmin):
    """Customers' saved carts, newest change first (read only: the cart is the customer's)."""

    list_display = ["user", "lines", "voucher_code", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "contents", "voucher_code", "updated_at"]
    ordering = ["-updated_at"]

    @admin.display(description="lines")
    def lines(self, saved):
        """How many lines the saved cart holds."""
        items = (saved.contents or {}).get("items") if isinstance(saved.contents, dict) else None
        return len(items) if isinstance(items, list) else 0

    def has_add_permission(self, request):
        return False
