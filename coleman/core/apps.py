"""App configuration for :mod:`coleman.core`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers, template tags and middleware of the Coleman store."""

    name = "coleman.core"
    label = "coleman_core"
    verbose_name = _("Coleman core")

    def ready(self):
        from . import auth, checks  # noqa: F401  (checks registers the system checks)

        auth.connect_receivers()
