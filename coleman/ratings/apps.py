"""App configuration for :mod:`coleman.ratings`."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    """Star ratings and customer reviews attached to any allowed model."""

    name = "coleman.ratings"
    label = "ratings"
    verbose_name = _("Ratings and reviews")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, receivers  # noqa: F401 - registers checks and signal receivers

        receivers.connect_deletion_receivers()
