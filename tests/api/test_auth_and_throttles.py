"""Tokens for scripts, Basic-auth brake, and throttles keyed by the store's client address."""

import pytest
from django.core.management import call_command

from coleman.api.models import ApiToken
from tests.factories.users import PASSWORD

from .conftest import basic

pytestmark = pytest.mark.django_db


def test_token_from_the_command_authenticates_and_is_stored_as_a_digest(api, customers, capsys):
    """manage.py api_token prints a key once; the key reads /api/me/orders/; only its digest is kept."""
    ada, _bob, ada_order, _bob_order = customers
    call_command("api_token", "ada", "--name", "export")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=ada)
    assert key.startswith(token.prefix + ".") and key not in (token.digest, token.prefix)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert [row["number"] for row in api.get("/api/me/orders/").json()["results"]] == [ada_order.number]
    token.refresh_from_db()
    assert token.last_used is not None


def test_wrong_or_revoked_token_is_401(api, customers):
    """A tampered key, an unknown one and a deleted token are refused."""
    ada = customers[0]
    token, key = ApiToken.objects.issue(ada)
    for bad in [key[:-1] + ("A" if key[-1] != "A" else "B"), "nonsense", "abcdefabcdef.x"]:
        api.credentials(HTTP_AUTHORIZATION=f"Token {bad}")
        assert api.get("/api/me/orders/").status_code == 401
    token.delete()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/me/orders/").status_code == 401


def test_basic_auth_guessing_is_throttled(api, customers, settings):
    """After COLEMAN_API_AUTH_FAILURES wrong passwords from one address, even the right one gets 429."""
    settings.COLEMAN_API_AUTH_FAILURES = 3
    for _ in range(3):
        api.credentials(HTTP_AUTHORIZATION=basic("ada", "wrong"))
        assert api.get("/api/me/orders/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=basic("ada", PASSWORD))
    response = api.get("/api/me/orders/")
    assert response.status_code == 429 and "Too many failed logins" in response.json()["detail"]


@pytest.mark.parametrize("username", ["ada\x00", "\x00", "ad\x01a"])
def test_basic_credentials_with_control_characters_are_a_401(api, customers, username):
    """A user name holding a NUL (which PostgreSQL refuses in a query) or another control
    character is a wrong login, answered 401 with the realm, never a 500 (schemathesis found it)."""
    api.credentials(HTTP_AUTHORIZATION=basic(username, PASSWORD))
    response = api.get("/api/me/orders/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Basic realm="Products API"'
    api.credentials(HTTP_AUTHORIZATION=basic("ada", PASSWORD + "\x00"))
    assert api.get("/api/me/orders/").status_code == 401


def test_anonymous_throttle_keys_on_the_client_address_behind_the_proxy(api, store, settings):
    """With one proxy, clients are told apart by the last X-Forwarded-For entry (client_ip),
    not by the proxy's address: one client is throttled, another is not."""
    settings.COLEMAN_PROXY_COUNT = 1
    settings.COLEMAN_API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert api.get("/api/catalogs/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert api.get("/api/catalogs/", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # A client forging an extra address to the left is still the same client.
    assert api.get("/api/catalogs/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7").status_code == 429
    assert api.get("/api/catalogs/", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 200


def test_user_throttle_counts_per_user(api, customers, settings):
    """Authenticated clients have their own, per-user rate."""
    settings.COLEMAN_API_USER_RATE = "2/minute"
    ada, bob = customers[0], customers[1]
    api.force_authenticate(ada)
    assert api.get("/api/me/orders/").status_code == 200
    assert api.get("/api/me/orders/").status_code == 200
    assert api.get("/api/me/orders/").status_code == 429
    api.force_authenticate(bob)
    assert api.get("/api/me/orders/").status_code == 200
