"""``manage.py demo_staff``: a printed staff login for local trials only."""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def run(**options):
    out = io.StringIO()
    call_command("demo_staff", stdout=out, **options)
    text = out.getvalue()
    return re.search(r"username: (\S+)", text).group(1), re.search(r"password: (\S+)", text).group(1)


@override_settings(DEBUG=True)
def test_creates_a_superuser_and_prints_a_working_login():
    """The printed username and password log in to a staff superuser account."""
    username, password = run()
    user = authenticate(username=username, password=password)
    assert user is not None and user.is_staff and user.is_superuser


@override_settings(DEBUG=True)
def test_running_again_resets_the_password():
    """Each run prints a fresh password; the old one stops working; no duplicate user."""
    username, first = run()
    _, second = run()
    assert first != second
    assert authenticate(username=username, password=first) is None
    assert authenticate(username=username, password=second) is not None
    assert get_user_model().objects.filter(username=username).count() == 1


def test_refused_when_debug_is_off():
    """With DEBUG off (production) the command refuses to make an account."""
    with pytest.raises(CommandError, match="development only"):
        call_command("demo_staff", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
