"""``manage.py purge_unactivated_accounts``."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tests.factories.users import UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    """One account of each kind the command must tell apart."""
    old = timezone.now() - timedelta(days=8)
    return {
        "expired": UserFactory(username="expired", is_active=False, date_joined=old),
        "recent": UserFactory(username="recent", is_active=False),
        "active": UserFactory(username="active", date_joined=old),
        "disabled": UserFactory(username="disabled", is_active=False, date_joined=old, last_login=old),
        "staff": UserFactory(username="staff", is_active=False, is_staff=True, date_joined=old),
    }


def test_purge_deletes_only_expired_never_activated_customer_accounts(accounts):
    """Only sign-ups older than the activation window, never used and not staff, are deleted."""
    out = StringIO()
    call_command("purge_unactivated_accounts", stdout=out)
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "active",
        "disabled",
        "recent",
        "staff",
    ]
    assert "Deleted 1 unactivated account(s)." in out.getvalue()


def test_purge_dry_run_lists_and_deletes_nothing(accounts):
    """``--dry-run`` names the accounts and keeps them."""
    out = StringIO()
    call_command("purge_unactivated_accounts", "--dry-run", stdout=out)
    assert "expired" in out.getvalue()
    assert User.objects.count() == 5
