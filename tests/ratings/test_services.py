"""Ratings and reviews services: one rating per user, averages, summaries, life cycle."""

import threading
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from coleman.ratings import services
from coleman.ratings.exceptions import InvalidRating, NotRateable, UnknownObject
from coleman.ratings.models import Rating, RatingSummary, Review, ReviewStatus, TargetQuerySet
from coleman.ratings.signals import summary_changed
from tests.factories.products import CategoryFactory, ProductFactory
from tests.factories.ratings import RatingFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def summary_of(product):
    return RatingSummary.objects.for_object(product).get()


def test_rating_again_changes_the_one_rating(product, customer):
    """A user who rates an object twice has one rating, with the second value."""
    first = services.rate(customer, product, 2)
    second = services.rate(customer, product, 5)
    assert first.created and not second.created
    assert Rating.objects.for_object(product).count() == 1
    assert Rating.objects.get().value == 5
    assert summary_of(product).rating_count == 1
    assert summary_of(product).average == Decimal("5.00")


def test_average_and_count_over_several_users(product):
    """The summary holds the mean of every user's rating, to two places, and their number."""
    for stars in (5, 4, 4):
        services.rate(UserFactory(), product, stars)
    summary = summary_of(product)
    assert summary.rating_count == 3
    assert summary.average == Decimal("4.33")
    assert summary.average_percent == 87


def test_summaries_are_per_object(product, customer):
    """Rating one product leaves another product's summary alone."""
    other = ProductFactory()
    services.rate(customer, product, 1)
    services.rate(customer, other, 5)
    assert summary_of(product).average == Decimal("1.00")
    assert summary_of(other).average == Decimal("5.00")


@pytest.mark.parametrize("bad", [0, 6, -1, "abc", "3.5", "", None, "٣", " 10"])
def test_out_of_range_and_non_numbers_are_refused(product, customer, bad):
    """Only whole numbers from 1 to 5 are ratings; nothing is written otherwise."""
    with pytest.raises(InvalidRating, match="from 1 to 5"):
        services.rate(customer, product, bad)
    assert not Rating.objects.exists()
    assert not RatingSummary.objects.exists()


def test_database_refuses_a_second_rating_row_and_out_of_range_values(product, customer):
    """The unique and check constraints hold even for code that bypasses the services."""
    RatingFactory(content_object=product, user=customer, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(content_object=product, user=customer, value=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(content_object=product, value=6)


def test_models_not_allowed_cannot_be_rated(customer):
    """A user object (not in COLEMAN_RATINGS_ALLOWED_MODELS) cannot be rated or reviewed."""
    with pytest.raises(NotRateable):
        services.rate(customer, customer, 3)
    with pytest.raises(NotRateable):
        services.post_review(customer, customer, "Nice person")
    with pytest.raises(NotRateable):
        services.get_target("auth.user", str(customer.pk))


def test_allowed_models_come_from_the_setting(settings, customer):
    """Adding a model to the setting makes it rateable."""
    category = CategoryFactory()
    with pytest.raises(NotRateable):
        services.get_target("products.catalogcategory", str(category.pk))
    settings.COLEMAN_RATINGS_ALLOWED_MODELS = ["products.product", "products.CatalogCategory"]
    assert services.get_target("products.catalogcategory", str(category.pk)) == category
    services.rate(customer, category, 4)
    assert RatingSummary.objects.for_object(category).get().rating_count == 1
    category.delete()
    assert not Rating.objects.exists() and not RatingSummary.objects.exists()


def test_deletion_receiver_is_only_connected_to_allowed_models(settings):
    """The clean-up receiver listens to the allowed models only, and follows the setting."""
    from coleman.products.models import CatalogCategory, Product
    from coleman.ratings import receivers

    assert receivers._connected == [Product]
    settings.COLEMAN_RATINGS_ALLOWED_MODELS = ["products.catalogcategory"]
    assert receivers._connected == [CatalogCategory]


@pytest.mark.parametrize("object_id", ["999999", "abc", "-1", "1.0", "99999999999999999999", ""])
def test_unknown_objects_are_unknown(product, object_id):
    """Ids that match no visible object raise UnknownObject."""
    with pytest.raises(UnknownObject):
        services.get_target("products.product", object_id)


def test_inactive_products_cannot_be_rated(customer):
    """A discontinued product is treated as missing (its queryset's active() decides)."""
    product = ProductFactory(is_active=False)
    with pytest.raises(UnknownObject):
        services.get_target("products.product", str(product.pk))


def test_product_edits_keep_ratings_and_reviews(product, customer):
    """Renaming or repricing a product keeps its ratings, reviews and summary."""
    services.rate(customer, product, 4)
    services.post_review(customer, product, "Lovely.")
    product.name = "Cranberry Relish (new recipe)"
    product.price = Decimal("12.00")
    product.save()
    assert Rating.objects.for_object(product).count() == 1
    assert Review.objects.for_object(product).count() == 1
    assert summary_of(product).review_count == 1


def test_deleting_a_product_deletes_its_ratings_reviews_and_summary(product, customer):
    """Ratings and reviews disappear with their product, and only theirs."""
    other = ProductFactory()
    services.rate(customer, product, 4)
    services.post_review(UserFactory(), product, "Lovely.", stars=5)
    services.rate(customer, other, 2)
    product.delete()
    assert list(Rating.objects.values_list("object_id", flat=True)) == [other.pk]
    assert not Review.objects.exists()
    assert list(RatingSummary.objects.values_list("object_id", flat=True)) == [other.pk]


def test_deleting_a_rating_or_its_user_recounts_the_summary(product):
    """When ratings go (admin delete, account deletion) the summary is recounted."""
    keeper, leaver = UserFactory(), UserFactory()
    services.rate(keeper, product, 2)
    services.rate(leaver, product, 4)
    services.post_review(leaver, product, "Bye")
    leaver.delete()
    summary = summary_of(product)
    assert (summary.rating_count, summary.average, summary.review_count) == (1, Decimal("2.00"), 0)
    Rating.objects.get().delete()
    assert summary_of(product).rating_count == 0
    assert summary_of(product).average is None


def test_review_with_stars_also_rates(product, customer):
    """A review posted with stars records the author's rating; the review list shows it."""
    services.post_review(customer, product, "Great on turkey.", stars=5)
    reviews, own = services.reviews_to_show(product, customer)
    assert [review.stars for review in reviews] == [5]
    assert own == reviews[0]
    assert summary_of(product).rating_count == 1


def test_one_review_per_user_rewriting_replaces_it(product, customer):
    """Posting a second review replaces the first."""
    services.post_review(customer, product, "First thoughts")
    services.post_review(customer, product, "Second thoughts")
    assert list(Review.objects.values_list("body", flat=True)) == ["Second thoughts"]
    assert summary_of(product).review_count == 1


def test_pre_moderation_holds_reviews_until_approved(settings, product, customer):
    """With COLEMAN_REVIEWS_REQUIRE_APPROVAL new reviews wait and do not count until approved."""
    settings.COLEMAN_REVIEWS_REQUIRE_APPROVAL = True
    review = services.post_review(customer, product, "Waiting")
    assert review.status == ReviewStatus.PENDING
    assert summary_of(product).review_count == 0
    assert services.reviews_to_show(product)[0] == []
    assert services.set_review_status(Review.objects.all(), ReviewStatus.APPROVED) == 1
    assert summary_of(product).review_count == 1
    assert [r.body for r in services.reviews_to_show(product)[0]] == ["Waiting"]


def test_removed_review_rewritten_waits_for_approval(product, customer):
    """A review staff removed does not come back by itself when its author posts again."""
    services.post_review(customer, product, "Rude words")
    services.set_review_status(Review.objects.all(), ReviewStatus.REMOVED)
    assert summary_of(product).review_count == 0
    review = services.post_review(customer, product, "Polite words")
    assert review.status == ReviewStatus.PENDING
    assert summary_of(product).review_count == 0


def test_attach_summaries_reads_one_query_for_a_list(django_assert_num_queries, customer):
    """attach_summaries sets a summary on every object, empty for the unrated, in one query."""
    products = [ProductFactory() for _ in range(5)]
    services.rate(customer, products[1], 3)
    services.summary_for(products[0])  # warm the content type cache
    fresh = list(type(products[0]).objects.filter(pk__in=[p.pk for p in products]).order_by("pk"))
    with django_assert_num_queries(1):
        services.attach_summaries(fresh)
    assert [p.rating_summary.rating_count for p in fresh] == [0, 1, 0, 0, 0]
    assert fresh[0].rating_summary.average is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency")
@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_by_one_user_leave_one_row_and_a_true_summary():
    """Twelve threads rating one product at once (same user and others) never duplicate a
    rating and leave a summary that matches the ratings table."""
    product = ProductFactory()
    same_user = UserFactory()
    others = [UserFactory() for _ in range(6)]
    barrier = threading.Barrier(12)
    errors = []

    def worker(user, stars):
        try:
            barrier.wait()
            services.rate(user, product, stars)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    jobs = [(same_user, 1 + i % 5) for i in range(6)] + [(user, 5) for user in others]
    threads = [threading.Thread(target=worker, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Rating.objects.filter(user=same_user).count() == 1
    summary = summary_of(product)
    assert summary.rating_count == 7 == Rating.objects.count()
    assert summary.rating_total == sum(Rating.objects.values_list("value", flat=True))


def test_summary_changed_is_sent_after_commit(product, customer, django_capture_on_commit_callbacks):
    """Listeners hear about a changed summary only once the rating is committed."""
    heard = []

    def listener(sender, content_type_id, object_id, **kwargs):
        heard.append(object_id)

    summary_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.rate(customer, product, 3)
            assert heard == []
        announcements = [c for c in callbacks if getattr(c, "func", None) is services._announce]
        assert len(announcements) == 1
        assert heard == [product.pk]
    finally:
        summary_changed.disconnect(listener)


def lose_the_race_once(monkeypatch):
    """Make the next ``.first()`` of a ratings queryset miss, as if another transaction
    inserted the row just after we looked."""
    original = TargetQuerySet.first
    calls = []

    def first(self):
        calls.append(self.model)
        return None if len(calls) == 1 else original(self)

    monkeypatch.setattr(TargetQuerySet, "first", first)
    return calls


def test_lost_race_on_the_rating_row_becomes_an_update(monkeypatch, product, customer):
    """If the rating row appears between the check and the insert, the unique constraint
    stops the duplicate and the rating is updated instead."""
    RatingFactory(content_object=product, user=customer, value=2)
    content_type = ContentType.objects.get_for_model(product)
    calls = lose_the_race_once(monkeypatch)
    rating, created = services._upsert_rating(customer, content_type, product.pk, 5)
    assert calls[0] is Rating
    assert not created
    assert rating.value == 5
    assert list(Rating.objects.values_list("value", flat=True)) == [5]


def test_lost_race_on_the_summary_row_uses_the_other_row(monkeypatch, product, customer):
    """If another transaction created the summary row first, the rating uses that row."""
    RatingSummary.objects.create(content_object=product)
    calls = lose_the_race_once(monkeypatch)
    services.rate(customer, product, 4)
    assert calls[0] is RatingSummary
    assert RatingSummary.objects.count() == 1
    assert summary_of(product).rating_count == 1
