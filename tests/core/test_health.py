"""``/healthz``: the database and the cache answer → 200; one of them fails → 503, and never a secret."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from coleman.core.views import HealthView

pytestmark = pytest.mark.django_db


def test_healthy_store_answers_200_with_each_check_named(client, django_assert_num_queries):
    """Database and cache reachable: 200, a small JSON body, never cached; one query."""
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert reverse("core:healthz") == "/healthz"
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_database_answers_503_without_the_error_text(client, monkeypatch, caplog):
    """A database error makes the check fail with 503; the error (which may name hosts or users)
    goes to the server log, not into the answer."""

    def unreachable():
        raise OperationalError('connection to server at "db.internal" failed: password authentication for "shop"')

    monkeypatch.setitem(HealthView.checks, "database", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "failing", "cache": "ok"}}
    assert b"db.internal" not in response.content and b"password" not in response.content
    assert "db.internal" in caplog.text


def test_unreachable_cache_answers_503(client, settings):
    """A Redis cache nobody listens on (port 1) fails the cache check with 503."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing"}


def test_health_check_refuses_writes(client):
    """Only GET and HEAD: a POST is 405 (and HEAD answers like GET)."""
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
