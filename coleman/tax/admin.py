"""Admin screens for the tax rate tables: rates and the shipping flag edited right in the list."""

from django.contrib import admin

from .models import SalesTaxRate, VatRate


@admin.register(SalesTaxRate)
class SalesTaxRateAdmin(admin.ModelAdmin):
    """US sales tax by state; staff edit rates in the list."""

    list_display = ["state", "name", "rate", "shipping_taxable"]
    list_editable = ["rate", "shipping_taxable"]
    search_fields = ["state", "name"]


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    """VAT by country; staff edit rates in the list."""

    list_display = ["country", "rate"]
    list_editable = ["rate"]
    search_fields = ["country"]
