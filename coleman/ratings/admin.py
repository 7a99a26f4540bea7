"""Admin of ratings and reviews: staff moderate reviews (approve, remove) and can delete ratings."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Rating, RatingSummary, Review, ReviewStatus, describe_target


class TargetAdminMixin:
    """Name the rated object by its kind and id (no query per row)."""

    @admin.display(description=_("about"))
    def target(self, obj):
        return describe_target(obj)


@admin.register(Review)
class ReviewAdmin(TargetAdminMixin, admin.ModelAdmin):
    """Moderate reviews: approve waiting ones, remove unsuitable ones."""

    list_display = ["excerpt", "user", "target", "status", "created"]
    list_filter = ["status", "content_type", "created"]
    list_select_related = ["user", "content_type"]
    search_fields = ["body", "user__username", "user__email"]
    date_hierarchy = "created"
    readonly_fields = ["content_type", "object_id", "user", "created", "updated"]
    fields = ["content_type", "object_id", "user", "body", "status", "created", "updated"]
    actions = ["approve", "remove"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("review"), ordering="body")
    def excerpt(self, obj):
        return obj.body if len(obj.body) <= 80 else f"{obj.body[:80]}…"

    @admin.action(description=_("Approve selected reviews (publish them)"), permissions=["change"])
    def approve(self, request, queryset):
        changed = services.set_review_status(queryset, ReviewStatus.APPROVED)
        self.message_user(request, _("%(count)d review(s) approved.") % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Remove selected reviews (hide them)"), permissions=["change"])
    def remove(self, request, queryset):
        changed = services.set_review_status(queryset, ReviewStatus.REMOVED)
        self.message_user(request, _("%(count)d review(s) removed.") % {"count": changed}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_summary(obj.content_type_id, obj.object_id)


@admin.register(Rating)
class RatingAdmin(TargetAdminMixin, admin.ModelAdmin):
    """Ratings can be read and deleted (spam), not edited: they are the customers' own."""

    list_display = ["user", "target", "value", "updated"]
    list_filter = ["value", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["user__username", "user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RatingSummary)
class RatingSummaryAdmin(TargetAdminMixin, admin.ModelAdmin):
    """The per-object summaries, read-only (the services keep them up to date)."""

    list_display = ["target", "rating_count", "average", "review_count", "updated"]
    list_filter = ["content_type"]
    list_select_related = ["content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
