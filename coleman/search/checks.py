"""System checks of the search configuration (ids ``coleman.E07x`` / ``coleman.W07x``)."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from coleman.conf import coleman_settings

from .backends import HAYSTACK_BACKEND, backend_path


@register()
def check_search_backend(app_configs, **kwargs):
    """The configured backend must import and its requirements must be met."""
    path = backend_path()
    try:
        import_string(path)
    except ImportError as error:
        return [
            Error(
                f"COLEMAN_SEARCH_BACKEND {path!r} cannot be imported: {error}",
                hint="Use a class from coleman.search.backends or remove the setting.",
                id="coleman.E070",
            )
        ]
    problems = []
    if path == HAYSTACK_BACKEND and not apps.is_installed("haystack"):
        problems.append(
            Error(
                "The Haystack search backend is chosen but 'haystack' is not in INSTALLED_APPS.",
                id="coleman.E071",
            )
        )
    if path.endswith("PostgresSearchBackend") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        problems.append(
            Error(
                "The PostgreSQL search backend needs a PostgreSQL database.",
                hint="Set DATABASE_URL to postgres://… or choose another COLEMAN_SEARCH_BACKEND.",
                id="coleman.E072",
            )
        )
    if apps.is_installed("haystack") and "default" not in getattr(settings, "HAYSTACK_CONNECTIONS", {}):
        problems.append(Error("HAYSTACK_CONNECTIONS needs a 'default' connection.", id="coleman.E073"))
    if coleman_settings.SEARCH_RESULTS_PER_PAGE < 1:
        problems.append(Error("COLEMAN_SEARCH_RESULTS_PER_PAGE must be at least 1.", id="coleman.E074"))
    return problems
