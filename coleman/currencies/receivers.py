"""Signal handlers: a saved or deleted rate drops the cached rates."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ExchangeRate
from .rates import forget_offered


@receiver(post_save, sender=ExchangeRate, dispatch_uid="coleman.currencies.rate_saved")
@receiver(post_delete, sender=ExchangeRate, dispatch_uid="coleman.currencies.rate_deleted")
def rates_changed(sender, **kwargs):
    """Forget the cached rates."""
    forget_offered()
