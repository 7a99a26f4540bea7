"""Signal handlers of the customers app."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import customer_for


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="coleman.customers.create_profile")
def create_customer_profile(sender, instance, created, raw=False, **kwargs):
    """Give every new user a ``Customer`` profile (never two: ``get_or_create``).

    Fixture loading (``raw``) is skipped; such users get their profile on first use.
    """
    if created and not raw:
        customer_for(instance)
