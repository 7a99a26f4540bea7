"""Twenty simultaneous downloads of a purchase allowed five: exactly five succeed.

Runs on PostgreSQL only: SQLite takes a database-wide write lock, so concurrent requests
cannot race there and the test would prove nothing. Real HTTP requests to the live server,
each thread its own connection, all released at once by a barrier.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from django.urls import reverse

from coleman.digital.models import Download, Entitlement
from tests.factories.digital import AssetFactory, order_with, pay
from tests.factories.users import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers with one lock, so requests cannot race",
    ),
]

RACERS = 20


def logged_in_session(live_server, client, user):
    """A requests session carrying the test client's login cookie and a CSRF token."""
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", "a" * 32)
    session.headers.update({"X-CSRFToken": "a" * 32, "Referer": live_server.url + "/"})
    return session


def test_twenty_racing_downloads_with_a_limit_of_five(live_server, client, settings):
    """Of 20 simultaneous POSTs of the Download button, 5 get a link and 15 are refused (403);
    the count stops at 5 and exactly 5 downloads are recorded."""
    settings.COLEMAN_DIGITAL_DOWNLOAD_LIMIT = 5
    asset = AssetFactory()
    user = UserFactory()
    entitlement = pay(order_with(asset.product, user=user)).entitlements.get()
    session = logged_in_session(live_server, client, user)
    url = live_server.url + reverse("digital:download", args=[entitlement.token, asset.pk])
    barrier = threading.Barrier(RACERS)

    def press():
        barrier.wait(timeout=30)
        return session.post(url, allow_redirects=False, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        statuses = list(pool.map(lambda _: press(), range(RACERS)))

    assert sorted(statuses) == [302] * 5 + [403] * 15
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 5
    assert Download.objects.filter(entitlement=entitlement).count() == 5
    assert Entitlement.objects.get(pk=entitlement.pk).downloads_left == 0
