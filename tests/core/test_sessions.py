"""The store's session engine (``coleman.core.sessions``): Django's ``cached_db`` sessions whose
writes are one statement each outside a transaction, with Django's semantics kept."""

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from coleman.core.sessions import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


def statements(context):
    """The SQL verbs of the captured statements."""
    return [query["sql"].split()[0].upper() for query in context.captured_queries]


def test_a_new_session_is_one_insert_and_an_update_one_statement():
    """Creating a session is its INSERT alone (no key check, no BEGIN/COMMIT); saving it again
    is its UPDATE alone; both reach the database and the cache."""
    session = SessionStore()
    session["cart"] = [1]
    with CaptureQueriesContext(connection) as created:
        session.save()
    assert statements(created) == ["INSERT"]
    session["cart"] = [1, 2]
    with CaptureQueriesContext(connection) as saved:
        session.save()
    assert statements(saved) == ["UPDATE"]
    row = Session.objects.get(session_key=session.session_key)
    assert row.get_decoded() == {"cart": [1, 2]}
    with CaptureQueriesContext(connection) as loaded:
        assert SessionStore(session.session_key).load() == {"cart": [1, 2]}  # from the cache
    assert loaded.captured_queries == []


def test_a_key_already_taken_is_refused_by_the_primary_key_and_another_is_drawn(monkeypatch):
    """create() draws keys until an INSERT succeeds: the taken key's session is left as it was."""
    taken = SessionStore()
    taken["owner"] = "first"
    taken.save()
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    newcomer = SessionStore()
    newcomer["owner"] = "second"
    newcomer.save()
    assert newcomer.session_key == "k" * 32
    assert Session.objects.get(session_key=taken.session_key).get_decoded() == {"owner": "first"}
    assert Session.objects.get(session_key="k" * 32).get_decoded() == {"owner": "second"}


def test_must_create_on_a_taken_key_is_create_error_and_inside_a_transaction_keeps_it_usable():
    """Inside a transaction the INSERT runs in a savepoint: the refused key raises CreateError
    and the outer transaction goes on (PostgreSQL would refuse every later statement otherwise)."""
    taken = SessionStore()
    taken["owner"] = "first"
    taken.save()
    clash = SessionStore(taken.session_key)
    clash["owner"] = "intruder"
    with pytest.raises(CreateError):
        clash.save(must_create=True)  # outside a transaction: the statement alone
    with transaction.atomic():
        with pytest.raises(CreateError):
            clash.save(must_create=True)
        assert Session.objects.filter(session_key=taken.session_key).count() == 1
    assert Session.objects.get(session_key=taken.session_key).get_decoded() == {"owner": "first"}


def test_saving_a_session_whose_row_is_gone_is_update_error_and_interrupts_the_request():
    """A session deleted meanwhile (logged out elsewhere) is not written back: UpdateError, which
    the session middleware turns into SessionInterrupted, as with Django's engines."""
    session = SessionStore()
    session["cart"] = [1]
    session.save()
    Session.objects.filter(session_key=session.session_key).delete()
    session["cart"] = [1, 2]
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.filter(session_key=session.session_key).exists()

    request = RequestFactory().get("/")
    middleware = SessionMiddleware(lambda request: HttpResponse())
    request.session = SessionStore(session.session_key)
    request.session._session_cache = {"cart": [3]}  # loaded before the row went away
    request.session.modified = True
    with pytest.raises(SessionInterrupted):
        middleware.process_response(request, HttpResponse())
