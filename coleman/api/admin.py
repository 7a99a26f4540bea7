"""API tokens in the admin: see who holds one and when it was last used; delete to revoke.

New tokens are issued with ``manage.py api_token USERNAME`` (the key is shown once)."""

from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed and revoked here, never shown or created (the key is not stored)."""

    list_display = ["prefix", "user", "name", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = ["user", "prefix", "created", "last_used"]
    fields = ["user", "name", "prefix", "created", "last_used"]

    def has_add_permission(self, request):
        """Keys are issued by ``manage.py api_token``, which shows the key once."""
        return False
