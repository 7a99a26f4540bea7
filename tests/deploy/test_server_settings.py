"""The production settings an operator gets from the environment for several servers: Redis
cache and sessions, the task backend, an S3 file store, the shared search engine."""

import json
import os
import secrets
import subprocess
import sys

from .conftest import ROOT

SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "session": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "prefix": settings.CACHES["default"].get("KEY_PREFIX", ""),
    "tasks": settings.TASKS["default"]["BACKEND"],
    "rq": getattr(settings, "RQ_QUEUES", {}).get("default", {}).get("URL"),
    "apps": [app for app in settings.INSTALLED_APPS if app.startswith(("django_tasks", "django_rq"))],
    "storage": settings.STORAGES["default"]["BACKEND"],
    "search": getattr(settings, "COLEMAN_SEARCH_BACKEND", None),
    "exempt": settings.SECURE_REDIRECT_EXEMPT,
}))
"""


def production(**env):
    """Load the production settings in a fresh process with ``env``; (exit code, values or stderr)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_", "TASKS_"))}
    base.update(
        DJANGO_SETTINGS_MODULE="ecommerce_book.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="shop.example.com",
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, (json.loads(result.stdout) if result.returncode == 0 else result.stderr)


def test_one_server_defaults_need_no_other_server():
    """Without CACHE_URL: file cache, sessions in the database read through that cache
    (cached_db, coleman.core.sessions), database task queue, local files."""
    code, values = production()
    assert code == 0, values
    assert values["cache"] == "coleman.core.cache.FileBasedCache"  # Django's, counting its files less often
    assert values["session"] == "coleman.core.sessions"  # cached_db with leaner writes
    assert values["tasks"] == "django_tasks_db.DatabaseBackend"
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["exempt"] == [r"^healthz$"]


def test_several_servers_share_redis_cache_sessions_queue_s3_and_search():
    """CACHE_URL=redis://… puts cache and sessions (cached_db) in Redis; TASKS_BACKEND=rq queues
    there too; AWS_STORAGE_BUCKET_NAME stores uploads in S3; the search backend is named."""
    code, values = production(
        CACHE_URL="redis://cache.internal:6379/0",
        CACHE_KEY_PREFIX="shop",
        TASKS_BACKEND="rq",
        AWS_STORAGE_BUCKET_NAME="coleman-media",
        COLEMAN_SEARCH_BACKEND="coleman.search.backends.postgres.PostgresSearchBackend",
    )
    assert code == 0, values
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache" and values["prefix"] == "shop"
    assert values["session"] == "coleman.core.sessions"  # cached_db with leaner writes
    assert values["tasks"] == "django_tasks_rq.RQBackend"
    assert values["rq"] == "redis://cache.internal:6379/0"
    assert "django_rq" in values["apps"]
    assert values["storage"] == "storages.backends.s3.S3Storage"
    assert values["search"] == "coleman.search.backends.postgres.PostgresSearchBackend"


def test_an_unknown_task_backend_is_refused_by_name():
    """A typo in TASKS_BACKEND stops the settings with the choices, not a silent default."""
    code, stderr = production(TASKS_BACKEND="celery")
    assert code != 0
    assert "TASKS_BACKEND must be one of database, rq, immediate, not 'celery'" in stderr
