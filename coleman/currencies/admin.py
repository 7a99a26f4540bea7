"""Admin for exchange rates: staff edit rates right in the list."""

from django.contrib import admin

from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Display currencies and their rates against the store's currency."""

    list_display = ["code", "name", "symbol", "rate", "is_active", "updated_at"]
    list_editable = ["rate", "is_active"]
    search_fields = ["code", "name"]
