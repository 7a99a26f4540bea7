"""Who may do what on the API.

Reading the catalog is public. Writing products needs a staff account with Django's model
permission for the method (add/change/delete). Orders are read by staff with the
``view_order`` permission; customers read only their own through ``/api/me/orders/``.
"""

from rest_framework import permissions


class StaffModelPermissionsOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writes need ``is_staff`` and the model permission for the method."""

    def has_permission(self, request, view):
        """Safe methods for everyone; other methods for staff holding the model permission."""
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and super().has_permission(request, view))


class StaffModelViewPermission(permissions.DjangoModelPermissions):
    """Staff with the model's ``view`` permission may read; nobody writes through this view."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        """Only authenticated staff holding the view permission."""
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and super().has_permission(request, view))
