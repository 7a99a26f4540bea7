"""Settings shared by every environment of the store.

Environment-specific modules (``dev``, ``test``, ``production``) import everything from here
and override what differs. Coleman's own settings (``COLEMAN_*``) have their documented
defaults in :mod:`coleman.conf`; set them here only to change them for this project.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Where the store keeps its runtime files (SQLite database, media, search index, cache).
VAR_DIR = Path(os.environ.get("COLEMAN_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

# The optional apps may be removed from this list; the store keeps working without them.
OPTIONAL_APPS: list[str] = [
    "coleman.ratings",
    # search: remove both lines to drop search; remove only "haystack" for the book's simple search
    "haystack",
    "coleman.search",
    "coleman.digital",
    # wishlists at /accounts/wishlists/ and "email me when it's back" alerts
    "coleman.wishlists",
    # data API at /api/ (Django REST framework): remove these four lines to drop it
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "coleman.api",
    # staff reports at /reports/ (ReportLab charts, PDF, CSV)
    "coleman.reports",
    # push products, customers and orders to Salesforce (manage.py salesforce_sync)
    "coleman.salesforce",
]

INSTALLED_APPS = [
    "ecommerce_book.apps.StoreAdminConfig",  # django.contrib.admin + the project's admin composition
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Slow work after a request (emails, search index updates) runs as tasks: Django 6's tasks
    # framework through its backport, with the database backend as the embedded default.
    "django_tasks",
    "django_tasks_db",
    "coleman.core",
    "coleman.products",
    "coleman.customers",
    "coleman.tax",
    "coleman.offers",
    "coleman.cart",
    "coleman.currencies",
    "coleman.orders",
    "coleman.payments",
    *OPTIONAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Control characters (a NUL is a 500 on PostgreSQL) are refused before anything reads them.
    "coleman.core.middleware.ControlCharacterMiddleware",
    # Content-Security-Policy (COLEMAN_CONTENT_SECURITY_POLICY_MODE; enforced in production).
    "coleman.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "coleman.core.middleware.QueryStringLimitMiddleware",
]

ROOT_URLCONF = "ecommerce_book.urls"

# Every form draws through the store's templates: the error summary, labelled fields with their
# hints and errors tied to the input (coleman/core/templates/core/forms/).
FORM_RENDERER = "coleman.core.forms.StoreFormRenderer"

# Django's model backend, with the logged-in user read from the cache on each request.
AUTHENTICATION_BACKENDS = ["coleman.core.auth.CachedModelBackend"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coleman.core.context_processors.store",
            ],
        },
    },
]

WSGI_APPLICATION = "ecommerce_book.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (e.g. postgres://user@host:5432/name) switches.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'coleman.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. A transaction that reads and then writes (placing an
    # order) and meets another writer fails at once with "database is locked" instead of
    # waiting; IMMEDIATE takes the write lock when the transaction starts, so concurrent
    # requests queue (up to the timeout, in seconds) instead of answering 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    # Write-ahead log, synced at checkpoints rather than at every commit: readers no longer
    # wait for writers, and a commit costs no fsync (bench/checkout.py: 12 commits per order
    # took 46 ms each on a busy disk). A power cut may lose the last commits, never corrupt.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every worker process: file-based by default (one machine), Redis with
# CACHE_URL (several app servers: cache, sessions, throttles and catalog versions then live in
# one place, so a shopper's next request may land on any server).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Several sites (or a staging copy) may share one Redis under different prefixes.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, but counting its files only every 100 writes (coleman/core/cache.py):
            # Django lists the whole directory on every write, ~15 ms with 20,000 entries.
            "BACKEND": "coleman.core.cache.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Room for the cached catalog pages of a large catalog: past the limit the file
            # cache deletes a third of its entries at random.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Sessions are read from the shared cache and written through to the database, so a cache
# restart logs nobody out and empties no cart. Measured (bench/shopper.py): a returning
# shopper's cached page costs one query with database sessions and none with these; signed
# cookies cost none either but cannot be revoked on the server (logout, password change).
# coleman.core.sessions is Django's cached_db with leaner writes: one INSERT or UPDATE each
# (no key check first, no BEGIN/COMMIT around a single statement).
SESSION_ENGINE = "coleman.core.sessions"

# Task queue (django-tasks). TASKS_BACKEND: "database" (default: tasks are rows in the
# store's database, run by `manage.py db_worker`; needs no other server), "rq" (Redis queues
# at TASKS_REDIS_URL or CACHE_URL, run by `manage.py rqworker`), or "immediate" (run inside
# the request, as development and the tests do).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "") or CACHE_URL
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    # Workers run the jobs as django-tasks tasks (results and failures recorded).
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "customers:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-registration (two-step activation): days an activation link stays valid, and
# whether new accounts may be created at all.
ACCOUNT_ACTIVATION_DAYS = 7
REGISTRATION_OPEN = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Requests larger than this are refused with 400 before a view sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "CranStore <shop@cranstore.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "coleman": {"handlers": ["console"], "level": os.environ.get("COLEMAN_LOG_LEVEL", "INFO")},
        # Failed tasks are logged with their traceback at ERROR.
        "django_tasks": {"handlers": ["console"], "level": "WARNING"},
    },
}

COLEMAN_STORE_NAME = "CranStore"
COLEMAN_PRODUCTS_HOME_TITLE = _("Cranberry foods, drinks and gifts")

# Search engines (coleman.search). Whoosh keeps its index in a folder: the embedded default.
# Xapian, Solr and Elasticsearch settings are in README.md ("Search").
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": os.environ.get("COLEMAN_WHOOSH_PATH", str(VAR_DIR / "whoosh_index")),
        "INCLUDE_SPELLING": True,
        "BATCH_SIZE": 500,
    },
}
# Index products as they are saved and deleted; COLEMAN_SEARCH_REALTIME = False turns it off.
HAYSTACK_SIGNAL_PROCESSOR = "coleman.search.signals.ProductSignalProcessor"

# Product cards show rating summaries: a new rating or review refreshes cached catalog pages.
COLEMAN_CATALOG_CACHE_INVALIDATED_BY = ["ratings.RatingSummary"]
