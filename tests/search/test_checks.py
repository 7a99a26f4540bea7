"""System checks of the search settings."""

from django.core.checks import run_checks


def ids():
    return {message.id for message in run_checks()}


def test_default_configuration_is_clean():
    """The shipped settings raise no search error."""
    assert not {i for i in ids() if i.startswith("coleman.E07")}


def test_unknown_backend_is_reported(settings):
    """A backend path that does not import is an error."""
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.nope.Missing"
    assert "coleman.E070" in ids()


def test_postgres_backend_on_sqlite_is_reported(settings):
    """The PostgreSQL backend on another database is an error."""
    settings.COLEMAN_SEARCH_BACKEND = "coleman.search.backends.postgres.PostgresSearchBackend"
    expected = settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    assert ("coleman.E072" in ids()) is expected
