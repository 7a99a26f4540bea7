"""The data migration that gives existing users a profile."""

import importlib

import pytest
from django.apps import apps

from coleman.customers.models import Customer
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("coleman.customers.migrations.0002_profiles_for_existing_users")


def test_existing_users_without_a_profile_get_exactly_one():
    """Users created before the app (no profile) get one; users with one keep theirs."""
    with_profile = UserFactory()
    kept = Customer.objects.get(user=with_profile)
    orphans = UserFactory.create_batch(3)
    Customer.objects.filter(user__in=orphans).delete()

    migration.create_missing_profiles(apps, schema_editor=None)

    assert Customer.objects.count() == 4
    assert Customer.objects.get(user=with_profile).pk == kept.pk
    assert all(Customer.objects.filter(user=user).count() == 1 for user in orphans)
