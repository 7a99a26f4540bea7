"""Signal receivers: ratings and reviews follow the life of the objects they are about.

Generic relations do not cascade, so when an object of an allowed model is deleted its
ratings, reviews and summary are deleted here, in the same transaction. The receiver is
connected to the allowed models only (a receiver for every model would stop Django's fast
bulk deletes everywhere), at start-up and again when the setting changes (in tests).
When ratings or reviews themselves are deleted (in the admin, or with their user) the
summary is recounted.
"""

from contextvars import ContextVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.signals import setting_changed
from django.db.models.signals import post_delete
from django.dispatch import receiver

from coleman.conf import coleman_settings

from . import services
from .models import Rating, Review

_forgetting: ContextVar[bool] = ContextVar("coleman_ratings_forgetting", default=False)
_connected: list = []


def forget_deleted_object(sender, instance, **kwargs):
    """Delete the ratings, reviews and summary of a deleted rateable object."""
    if instance.pk is None:
        return
    content_type = ContentType.objects.get_for_model(sender)
    token = _forgetting.set(True)
    try:
        services.delete_everything_about(content_type.pk, instance.pk)
    finally:
        _forgetting.reset(token)


def connect_deletion_receivers() -> None:
    """Connect :func:`forget_deleted_object` to every model of ``COLEMAN_RATINGS_ALLOWED_MODELS``."""
    while _connected:
        post_delete.disconnect(forget_deleted_object, sender=_connected.pop())
    for label in coleman_settings.RATINGS_ALLOWED_MODELS:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # reported by the system check coleman.E061
        post_delete.connect(forget_deleted_object, sender=model, weak=False)
        _connected.append(model)


@receiver(setting_changed, dispatch_uid="coleman.ratings.allowed_models_changed")
def allowed_models_changed(setting, **kwargs):
    """Follow changes of the allowed models (``override_settings`` in tests)."""
    if setting == "COLEMAN_RATINGS_ALLOWED_MODELS":
        connect_deletion_receivers()


@receiver(post_delete, sender=Rating, dispatch_uid="coleman.ratings.recount_after_rating_deleted")
@receiver(post_delete, sender=Review, dispatch_uid="coleman.ratings.recount_after_review_deleted")
def recount_after_delete(sender, instance, **kwargs):
    """Recount the summary of the object a deleted rating or review was about."""
    if not _forgetting.get():
        services.refresh_summary(instance.content_type_id, instance.object_id, create=False)
