"""App configuration for :mod:`coleman.tax`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxConfig(AppConfig):
    """Sales tax and VAT: rate tables staff edit, and the strategy the store chooses in settings."""

    name = "coleman.tax"
    label = "tax"
    verbose_name = _("Tax")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401
