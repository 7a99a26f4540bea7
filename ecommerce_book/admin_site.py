"""The project's admin site: Django's, with the store's answer to a throttled log-in."""

from django.contrib.admin import AdminSite


class StoreAdminSite(AdminSite):
    """Django's admin site; a log-in refused by a throttled login form (one that sets
    ``throttled``, as the customers app's does) answers 429 like the store's own log-in page,
    with the same message, instead of 200."""

    def login(self, request, extra_context=None):
        """Django's admin log-in view; 429 when the form was refused by its throttle."""
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response
