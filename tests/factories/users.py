"""factory_boy factory for users (``AUTH_USER_MODEL``); the customers app gives each a profile."""

import factory
from django.contrib.auth import get_user_model

PASSWORD = "cranberry-sauce-42"


class UserFactory(factory.django.DjangoModelFactory):
    """An active user with a known password (``PASSWORD``); the profile comes from post_save."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper{n}")
    first_name = "Cora"
    last_name = "Cranberry"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)
    is_active = True
