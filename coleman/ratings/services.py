"""Business operations of the ratings app: rate, review, moderate, summarise.

Every write runs in one transaction that first locks the object's ``RatingSummary`` row,
so concurrent raters of one object are serialised and the summary always matches the
ratings and reviews it summarises.
"""

import re
from dataclasses import dataclass
from functools import partial

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext

from coleman.conf import coleman_settings

from .cache import bump_object_version, cached_for_object
from .exceptions import InvalidRating, NotRateable, UnknownObject
from .models import MAX_STARS, MIN_STARS, Rating, RatingSummary, Review, ReviewStatus
from .signals import summary_changed

MAX_OBJECT_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def allowed_model_labels() -> set[str]:
    """The ``app_label.model`` names (lower case) of the models that may be rated."""
    return {label.lower() for label in coleman_settings.RATINGS_ALLOWED_MODELS}


def is_rateable(model_or_obj) -> bool:
    """True when objects of this model (or this object's model) may be rated and reviewed."""
    return model_or_obj._meta.label_lower in allowed_model_labels()


def content_type_for_label(label: str) -> ContentType:
    """The content type of an allowed model named ``app_label.model``.

    Raises :class:`NotRateable` for malformed names, unknown models and models that are
    not in ``COLEMAN_RATINGS_ALLOWED_MODELS``.
    """
    label = label.lower()
    if label not in allowed_model_labels():
        raise NotRateable(gettext("Objects of this kind cannot be rated or reviewed."))
    app_label, _, model_name = label.partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError) as exc:
        raise NotRateable(gettext("Objects of this kind cannot be rated or reviewed.")) from exc
    return ContentType.objects.get_for_model(model)


def get_target(label: str, object_id: str):
    """The object a shopper wants to rate or review, by model label and id.

    Only objects shoppers can see qualify: when the model's default queryset has an
    ``active()`` method (as products do), inactive objects are treated as missing.
    """
    content_type = content_type_for_label(label)
    if not _DIGITS.fullmatch(str(object_id)) or int(object_id) > MAX_OBJECT_ID:
        raise UnknownObject(gettext("We could not find what you wanted to rate."))
    queryset = content_type.model_class()._default_manager.all()
    if callable(getattr(queryset, "active", None)):
        queryset = queryset.active()
    try:
        return queryset.get(pk=int(object_id))
    except queryset.model.DoesNotExist as exc:
        raise UnknownObject(gettext("We could not find what you wanted to rate.")) from exc


def parse_stars(raw) -> int:
    """A number of stars from a URL segment or form value, or :class:`InvalidRating`."""
    text = str(raw).strip()
    if not re.fullmatch(r"[0-9]{1,2}", text) or not MIN_STARS <= int(text) <= MAX_STARS:
        raise InvalidRating(
            gettext("A rating is a whole number of stars from %(min)d to %(max)d.")
            % {"min": MIN_STARS, "max": MAX_STARS}
        )
    return int(text)


@dataclass(frozen=True)
class RatingResult:
    """What rating an object changed: the user's stars and the object's new summary."""

    rating: Rating
    created: bool
    summary: RatingSummary


def rate(user, obj, stars) -> RatingResult:
    """Record ``user``'s rating of ``obj`` (replacing an earlier one) and update the summary."""
    stars = parse_stars(stars)
    _check_rateable(obj)
    content_type = _content_type_of(obj)
    with transaction.atomic():
        summary = _lock_summary(content_type.pk, obj.pk)
        rating, created = _upsert_rating(user, content_type, obj.pk, stars)
        _recompute(summary)
    return RatingResult(rating=rating, created=created, summary=summary)


def post_review(user, obj, body: str, stars=None) -> Review:
    """Create or replace ``user``'s review of ``obj``; with ``stars`` it also rates ``obj``.

    The review is published at once, or waits for approval when
    ``COLEMAN_REVIEWS_REQUIRE_APPROVAL`` is on. A review that staff removed goes back to
    waiting for approval when its author rewrites it, whatever the setting.
    """
    _check_rateable(obj)
    if stars is not None:
        stars = parse_stars(stars)
    content_type = _content_type_of(obj)
    with transaction.atomic():
        summary = _lock_summary(content_type.pk, obj.pk)
        review = Review.objects.filter(content_type=content_type, object_id=obj.pk, user=user).first()
        if review is None:
            review = Review(content_type=content_type, object_id=obj.pk, user=user)
        must_wait = coleman_settings.REVIEWS_REQUIRE_APPROVAL or review.status == ReviewStatus.REMOVED
        review.status = ReviewStatus.PENDING if must_wait else ReviewStatus.APPROVED
        review.body = body
        review.save()
        if stars is not None:
            _upsert_rating(user, content_type, obj.pk, stars)
        _recompute(summary)
    return review


def set_review_status(reviews, status: str) -> int:
    """Approve or remove ``reviews`` (a queryset) and update the summaries they touch.

    The summaries are locked first, in a fixed order, like every other write does, so
    moderation and customers posting at the same moment cannot deadlock.
    """
    status = ReviewStatus(status)
    with transaction.atomic():
        to_change = reviews.exclude(status=status)
        targets = sorted(set(to_change.values_list("content_type_id", "object_id")))
        summaries = [_lock_summary(content_type_id, object_id) for content_type_id, object_id in targets]
        review_ids = list(to_change.values_list("pk", flat=True))
        changed = Review.objects.filter(pk__in=review_ids).update(status=status)
        for summary in summaries:
            _recompute(summary)
    return changed


def refresh_summary(content_type_id: int, object_id: int, *, create: bool = True) -> None:
    """Recount an object's summary; with ``create=False`` only if it already has one."""
    with transaction.atomic():
        if create:
            summary = _lock_summary(content_type_id, object_id)
        else:
            summary = (
                RatingSummary.objects.select_for_update()
                .filter(content_type_id=content_type_id, object_id=object_id)
                .first()
            )
        if summary is not None:
            _recompute(summary)
        else:
            _forget_cached(content_type_id, object_id)


def delete_everything_about(content_type_id: int, object_id: int) -> None:
    """Delete the ratings, reviews and summary of an object (it is being deleted)."""
    with transaction.atomic():
        target = {"content_type_id": content_type_id, "object_id": object_id}
        RatingSummary.objects.filter(**target).delete()
        Review.objects.filter(**target).delete()
        Rating.objects.filter(**target).delete()
        _forget_cached(content_type_id, object_id)


def summary_for(obj) -> RatingSummary:
    """The summary of one object: the one attached to a list, else from the cache (one query
    when the object's ratings changed since it was cached)."""
    summary = getattr(obj, "rating_summary", None)
    if summary is None:
        content_type = _content_type_of(obj)

        def read():
            found = RatingSummary.objects.filter(content_type=content_type, object_id=obj.pk).first()
            return found or RatingSummary(content_type=content_type, object_id=obj.pk)

        summary = cached_for_object(content_type.pk, obj.pk, "summary", read)
        obj.rating_summary = summary
    return summary


def attach_summaries(objects) -> list:
    """Set ``obj.rating_summary`` on every object of a list, with one query per model.

    Returns the objects as a list. Objects nobody rated get an empty (unsaved) summary,
    so templates never need another query.
    """
    objects = list(objects)
    by_content_type: dict[ContentType, list] = {}
    for obj in objects:
        if getattr(obj, "pk", None) is not None:
            by_content_type.setdefault(_content_type_of(obj), []).append(obj)
    for content_type, members in by_content_type.items():
        found = {
            summary.object_id: summary
            for summary in RatingSummary.objects.filter(
                content_type=content_type, object_id__in={obj.pk for obj in members}
            )
        }
        for obj in members:
            empty = RatingSummary(content_type=content_type, object_id=obj.pk)
            obj.rating_summary = found.get(obj.pk) or empty
    return objects


def user_rating(user, obj) -> int | None:
    """The stars ``user`` gave ``obj``, or ``None`` (cached until ``obj``'s ratings change)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _own_rating_and_review(user, obj)[0]


def reviews_to_show(obj, user=None) -> tuple[list[Review], Review | None]:
    """The newest published reviews of ``obj`` with their authors' stars, and ``user``'s own review.

    Both come from the cache while ``obj``'s ratings and reviews are unchanged; building them
    costs two queries (the reviews with their authors, the authors' ratings of ``obj``) plus
    two for the user's own review and rating, whatever the number of reviews. Each
    review's ``stars`` is its author's rating. The lists are shared through the cache: do not
    change them.
    """
    content_type = _content_type_of(obj)
    reviews = cached_for_object(content_type.pk, obj.pk, "reviews", partial(_published_reviews, obj))
    own = None
    if getattr(user, "is_authenticated", False):
        own = _own_rating_and_review(user, obj)[1]
    return reviews, own


def _published_reviews(obj) -> list[Review]:
    reviews = list(Review.objects.for_object(obj).published().select_related("user")[: coleman_settings.REVIEWS_SHOWN])
    authors = {review.user_id for review in reviews}
    stars = dict(Rating.objects.for_object(obj).filter(user_id__in=authors).values_list("user_id", "value"))
    for review in reviews:
        review.stars = stars.get(review.user_id)
    return reviews


def _own_rating_and_review(user, obj) -> tuple[int | None, Review | None]:
    """``(stars, review)`` of ``user`` for ``obj``, cached per user under ``obj``'s version."""
    content_type = _content_type_of(obj)

    def read():
        stars = Rating.objects.for_object(obj).filter(user=user).values_list("value", flat=True).first()
        review = Review.objects.for_object(obj).filter(user=user).select_related("user").first()
        if review is not None:
            review.stars = stars
        return stars, review

    return cached_for_object(content_type.pk, obj.pk, f"user:{user.pk}", read)


def _content_type_of(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def _check_rateable(obj) -> None:
    if not is_rateable(obj):
        raise NotRateable(gettext("Objects of this kind cannot be rated or reviewed."))


def _lock_summary(content_type_id: int, object_id: int) -> RatingSummary:
    """The object's summary row, locked until the end of the transaction (created if missing)."""
    target = {"content_type_id": content_type_id, "object_id": object_id}
    locked = RatingSummary.objects.select_for_update().filter(**target)
    summary = locked.first()
    if summary is None:
        try:
            with transaction.atomic():
                summary = RatingSummary.objects.create(**target)
        except IntegrityError:
            # Another transaction created it first; wait for its lock and use its row.
            summary = locked.get()
    return summary


def _upsert_rating(user, content_type, object_id, stars) -> tuple[Rating, bool]:
    """Create or change the user's rating; a concurrent duplicate insert becomes an update."""
    target = {"content_type": content_type, "object_id": object_id, "user": user}
    rating = Rating.objects.select_for_update().filter(**target).first()
    if rating is not None:
        if rating.value != stars:
            rating.value = stars
            rating.save(update_fields=["value", "updated"])
        return rating, False
    try:
        with transaction.atomic():
            return Rating.objects.create(value=stars, **target), True
    except IntegrityError:
        rating = Rating.objects.select_for_update().get(**target)
        rating.value = stars
        rating.save(update_fields=["value", "updated"])
        return rating, False


def _recompute(summary: RatingSummary) -> None:
    """Recount the summary from the ratings and published reviews (two queries and a save),
    and announce the change once the transaction commits."""
    target = {"content_type_id": summary.content_type_id, "object_id": summary.object_id}
    totals = Rating.objects.filter(**target).aggregate(count=Count("id"), total=Sum("value"))
    summary.rating_count = totals["count"] or 0
    summary.rating_total = totals["total"] or 0
    summary.review_count = Review.objects.filter(**target).published().count()
    summary.save(update_fields=["rating_count", "rating_total", "review_count", "updated"])
    _forget_cached(summary.content_type_id, summary.object_id)
    transaction.on_commit(partial(_announce, summary.content_type_id, summary.object_id))


def _forget_cached(content_type_id: int, object_id: int) -> None:
    """Make the cached ratings of an object stale now and again once the transaction commits
    (a page built in between, from data not committed yet, is cached under a dead version)."""
    bump_object_version(content_type_id, object_id)
    transaction.on_commit(partial(bump_object_version, content_type_id, object_id))


def _announce(content_type_id: int, object_id: int) -> None:
    summary_changed.send(sender=RatingSummary, content_type_id=content_type_id, object_id=object_id)
