"""Ratings, reviews and the per-object summary that lists read.

Every model points at the rated object through a content type and an integer object id
(a generic foreign key), so the app works for any model with an integer primary key.
``RatingSummary`` keeps the average, the number of ratings and the number of published
reviews of one object; the services update it in the same transaction as the rating or
review, so product lists read it with one query for the whole page.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_STARS = 1
MAX_STARS = 5


class TargetQuerySet(models.QuerySet):
    """Query logic shared by the models that point at a rated object."""

    def for_object(self, obj):
        """Rows about ``obj`` (any model instance)."""
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk)


def describe_target(row) -> str:
    """``products.product #12``: what a rating, review or summary is about."""
    return f"{row.content_type.app_label}.{row.content_type.model} #{row.object_id}"


class Rating(models.Model):
    """One user's star rating of one object; rating again changes it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(MIN_STARS), MaxValueValidator(MAX_STARS)]
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "user"], name="ratings_one_rating_per_user"),
            models.CheckConstraint(
                condition=models.Q(value__gte=MIN_STARS, value__lte=MAX_STARS), name="ratings_value_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.user} rated {describe_target(self)}: {self.value}"


class ReviewStatus(models.TextChoices):
    """Where a review stands in moderation."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Published")
    REMOVED = "removed", _("Removed")


class ReviewQuerySet(TargetQuerySet):
    """Query logic for reviews."""

    def published(self):
        """Reviews shoppers may read."""
        return self.filter(status=ReviewStatus.APPROVED)


class Review(models.Model):
    """A customer's written review of one object; one per customer per object."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    body = models.TextField(_("review"))
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.APPROVED)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "user"], name="ratings_one_review_per_user"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "status", "-created"], name="ratings_review_list_idx"),
        ]

    def __str__(self):
        return f"Review by {self.user} of {describe_target(self)}"

    @property
    def is_published(self):
        """True when shoppers can read this review."""
        return self.status == ReviewStatus.APPROVED


class RatingSummary(models.Model):
    """The average rating, number of ratings and number of published reviews of one object.

    Kept up to date by :mod:`coleman.ratings.services` in the transaction that changes a
    rating or a review; never edit it by hand.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    rating_count = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating summary")
        verbose_name_plural = _("rating summaries")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="ratings_one_summary_per_object"),
        ]

    def __str__(self):
        return f"{describe_target(self)}: {self.average} ({self.rating_count})"

    @property
    def average(self) -> Decimal | None:
        """The mean rating to two places, or ``None`` before anyone rated."""
        if not self.rating_count:
            return None
        return (Decimal(self.rating_total) / Decimal(self.rating_count)).quantize(Decimal("0.01"))

    @property
    def average_percent(self) -> int:
        """The average as a percentage of full marks (for drawing partly filled stars)."""
        average = self.average
        return 0 if average is None else round(average * 100 / MAX_STARS)
