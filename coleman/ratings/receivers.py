"""Signal receivers: ratings and reviews follow the life of the objects they are about.

Generic relations do not cascade, so when an object of an allowed model is deleted its
ratings, reviews and summary are deleted here, in the same transaction. When ratings or
reviews themselves are deleted (in the admin, or with their user) the summary is recounted.
"""

from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import services
from .models import Rating, Review

_forgetting: ContextVar[bool] = ContextVar("coleman_ratings_forgetting", default=False)


@receiver(post_delete, dispatch_uid="coleman.ratings.forget_deleted_object")
def forget_deleted_object(sender, instance, **kwargs):
    """Delete the ratings, reviews and summary of a deleted rateable object."""
    if instance.pk is None or not services.is_rateable(sender):
        return
    content_type = ContentType.objects.get_for_model(sender)
    token = _forgetting.set(True)
    try:
        services.delete_everything_about(content_type.pk, instance.pk)
    finally:
        _forgetting.reset(token)


@receiver(post_delete, sender=Rating, dispatch_uid="coleman.ratings.recount_after_rating_deleted")
@receiver(post_delete, sender=Review, dispatch_uid="coleman.ratings.recount_after_review_deleted")
def recount_after_delete(sender, instance, **kwargs):
    """Recount the summary of the object a deleted rating or review was about."""
    if not _forgetting.get():
        services.refresh_summary(instance.content_type_id, instance.object_id, create=False)
