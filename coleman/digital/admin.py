"""Admin of digital goods: files, key pools, subscription plans, purchases and downloads."""

import mimetypes

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import services
from .forms import DigitalAssetForm, LicenseKeyBatchForm
from .models import DigitalAsset, Download, Entitlement, LicenseKey, Subscription, SubscriptionPlan


@admin.register(DigitalAsset)
class DigitalAssetAdmin(admin.ModelAdmin):
    """Downloadable files, kept on the private storage."""

    form = DigitalAssetForm
    list_display = ["title", "product", "stored_as", "size", "position"]
    list_select_related = ["product"]
    list_filter = [("product", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "product__name", "file"]
    readonly_fields = ["stored_as", "size", "created_at"]

    @admin.display(description="stored as", ordering="file")
    def stored_as(self, obj):
        return obj.file.name  # a name, never a link: private files have no URL

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product":
            kwargs["queryset"] = db_field.related_model.objects.filter(is_digital=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "file" in form.changed_data and obj.file:
            obj.size = obj.file.size
            if not obj.content_type:
                obj.content_type = mimetypes.guess_type(obj.file.name)[0] or ""
        super().save_model(request, obj, form, change)


@admin.register(LicenseKey)
class LicenseKeyAdmin(admin.ModelAdmin):
    """Key pools: add keys in batches; a key once handed out stays with its purchase."""

    list_display = ["key", "product", "entitlement", "assigned_at"]
    list_select_related = ["product", "entitlement__order", "entitlement__line"]
    list_filter = [("product", admin.RelatedOnlyFieldListFilter), ("entitlement", admin.EmptyFieldListFilter)]
    search_fields = ["key", "product__name", "entitlement__order__number"]
    readonly_fields = ["product", "key", "entitlement", "assigned_at", "created_at"]
    actions = ["withdraw_unused"]

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw unused keys with the action, which keeps the stock right

    def has_change_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        form = LicenseKeyBatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            product = form.cleaned_data["product"]
            added = services.add_license_keys(product, form.cleaned_data["key_list"])
            if form.cleaned_data.get("generate"):
                added += services.generate_license_keys(product, form.cleaned_data["generate"])
            self.message_user(request, f"{added} keys added to the pool of {product}.", messages.SUCCESS)
            return redirect(reverse("admin:digital_licensekey_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Add license keys",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/digital/licensekey/add_keys.html", context, status=400 if form.errors else 200
        )

    @admin.action(description="Withdraw selected unused keys", permissions=["add"])
    def withdraw_unused(self, request, queryset):
        withdrawn = services.withdraw_unused_keys(queryset)
        self.message_user(request, f"{withdrawn} unused keys withdrawn; keys already handed out were kept.")


@admin.register(SubscriptionPlan)
class SubscriptionPlanAdmin(admin.ModelAdmin):
    """Products that grant a group for a period."""

    list_display = ["product", "period_days", "group"]
    list_select_related = ["product", "group"]
    autocomplete_fields = []


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Customers' subscriptions."""

    list_display = ["user", "plan", "starts_at", "ends_at", "expired_at"]
    list_select_related = ["user", "plan__product", "plan__group"]
    list_filter = ["plan", ("expired_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


class DownloadInline(admin.TabularInline):
    """The downloads of a purchase (read only)."""

    model = Download
    extra = 0
    can_delete = False
    fields = ["started_at", "asset", "ip_address", "user_agent"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class KeyInline(admin.TabularInline):
    """The license keys handed to a purchase (read only)."""

    model = LicenseKey
    extra = 0
    can_delete = False
    fields = ["key", "assigned_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    """Purchases of digital goods: limits, expiry, revocation, and each download."""

    list_display = ["order_number", "line", "user", "downloads", "expires_at", "activated_at", "revoked_at"]
    list_select_related = ["order", "line", "user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), ("activated_at", admin.EmptyFieldListFilter)]
    search_fields = ["order__number", "order__email", "user__username", "line__name"]
    fields = [
        "order",
        "line",
        "product",
        "user",
        "download_limit",
        "downloads_used",
        "expires_at",
        "activated_at",
        "revoked_at",
        "revoke_reason",
        "subscription",
        "subscription_days",
    ]
    readonly_fields = [
        "order",
        "line",
        "product",
        "user",
        "downloads_used",
        "activated_at",
        "revoked_at",
        "revoke_reason",
        "subscription",
        "subscription_days",
    ]
    inlines = [KeyInline, DownloadInline]
    actions = ["reset_downloads", "revoke_access", "restore_access"]

    def has_add_permission(self, request):
        return False  # purchases come from paid orders

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj):
        return obj.order.number

    @admin.display(description="downloads")
    def downloads(self, obj):
        limit = "∞" if obj.download_limit is None else obj.download_limit
        return f"{obj.downloads_used} / {limit}"

    @admin.action(description="Reset the download count of selected purchases", permissions=["change"])
    def reset_downloads(self, request, queryset):
        reset = services.reset_downloads(queryset.filter(downloads_used__gt=0))
        self.message_user(request, f"{reset} purchases can be downloaded their full number of times again.")

    @admin.action(description="Revoke access to selected purchases", permissions=["change"])
    def revoke_access(self, request, queryset):
        revoked = sum(
            services.revoke(entitlement, f"Revoked by {request.user.get_username()}.") for entitlement in queryset
        )
        self.message_user(request, f"{revoked} purchases revoked.")

    @admin.action(description="Restore access to selected purchases", permissions=["change"])
    def restore_access(self, request, queryset):
        restored = sum(services.restore(entitlement) for entitlement in queryset)
        self.message_user(request, f"{restored} purchases restored.")

    def save_model(self, request, obj, form, change):
        # Lowering a limit below what was used would break the limit's check constraint.
        if obj.download_limit is not None and obj.download_limit < obj.downloads_used:
            obj.download_limit = obj.downloads_used
        super().save_model(request, obj, form, change)


__all__ = ["DigitalAssetAdmin", "EntitlementAdmin", "LicenseKeyAdmin", "SubscriptionAdmin", "SubscriptionPlanAdmin"]
