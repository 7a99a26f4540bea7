"""Views of the core app: the health check that deploys and load balancers ask."""

import logging
import secrets

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views import View

logger = logging.getLogger("coleman.health")


def _database_ok(alias="default"):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _cache_ok(alias="default"):
    cache = caches[alias]
    key = f"coleman:healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


class HealthView(View):
    """``GET /healthz``: 200 when the database and the cache answer, 503 when one does not.

    The answer names each check and whether it passed, nothing else: no host names, versions,
    settings or error text (failures are logged on the server instead). Never cached.
    """

    http_method_names = ["get", "head", "options"]
    checks = {"database": _database_ok, "cache": _cache_ok}

    def get(self, request, *args, **kwargs):
        results = {}
        for name, check in self.checks.items():
            try:
                results[name] = "ok" if check() else "failing"
            except Exception:
                logger.exception("Health check %r failed", name)
                results[name] = "failing"
        healthy = all(result == "ok" for result in results.values())
        response = JsonResponse({"status": "ok" if healthy else "failing", "checks": results})
        response.status_code = 200 if healthy else 503
        add_never_cache_headers(response)
        return response
