"""factory_boy factories for ratings and reviews (of products by default)."""

import factory
from django.contrib.contenttypes.models import ContentType

from coleman.ratings.models import Rating, Review, ReviewStatus

from .products import ProductFactory
from .users import UserFactory


class TargetFactory(factory.django.DjangoModelFactory):
    """Points the row at ``content_object`` (a product unless given)."""

    class Meta:
        abstract = True
        exclude = ["content_object"]

    content_object = factory.SubFactory(ProductFactory)
    content_type = factory.LazyAttribute(lambda row: ContentType.objects.get_for_model(row.content_object))
    object_id = factory.LazyAttribute(lambda row: row.content_object.pk)
    user = factory.SubFactory(UserFactory)


class RatingFactory(TargetFactory):
    """A raw rating row (tests of the services use ``services.rate`` instead)."""

    class Meta:
        model = Rating

    value = 4


class ReviewFactory(TargetFactory):
    """A raw published review row."""

    class Meta:
        model = Review

    body = "Tart and lovely."
    status = ReviewStatus.APPROVED
