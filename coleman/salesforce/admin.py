"""Sync runs and synced records in the admin (read only: the sync writes them)."""

from django.contrib import admin

from .models import SyncedRecord, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nothing here is edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    """Every run: when, what, and how it went."""

    list_display = ["started_at", "kinds", "dry_run", "outcome", "sent", "created", "updated", "failed"]
    list_filter = ["outcome", "dry_run"]
    date_hierarchy = "started_at"


@admin.register(SyncedRecord)
class SyncedRecordAdmin(ReadOnlyAdmin):
    """Each store record with its Salesforce id, last sync and last error."""

    list_display = ["label", "kind", "sobject", "salesforce_id", "status", "synced_at", "attempted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["label", "external_id", "salesforce_id"]
    list_select_related = ["last_run"]
