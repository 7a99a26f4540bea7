"""Emails leave the request through the task queue: rendered in the request, sent by a task.

The immediate backend (the test settings) sends before ``send_templated_mail`` returns; the
database backend stores the task until ``manage.py db_worker`` runs it; the RQ backend puts it
on a Redis queue for an RQ worker.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.core.management import call_command
from django.template import engines
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from coleman.core.mail import send_templated_mail
from coleman.core.tasks import send_email

from .test_mail import LOCMEM_TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REDIS_URL = os.environ.get("COLEMAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def locmem_templates():
    """The tiny subject/body/html templates of test_mail, loaded from memory."""
    with override_settings(TEMPLATES=LOCMEM_TEMPLATES, COLEMAN_STORE_NAME="CranStore"):
        engines._engines = {}
        yield
    engines._engines = {}


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_the_email_until_a_worker_sends_it(locmem_templates):
    """With the database backend nothing is sent in the request; ``db_worker --batch`` sends
    the rendered message (subject, body, HTML part) and records the task as successful."""
    with override_settings(TASKS=DATABASE_TASKS):
        message = send_templated_mail(
            to=["ann@example.com"],
            subject_template="subject.txt",
            body_template="body.txt",
            html_template="body.html",
            context={"name": "Ann"},
        )
        assert message.subject == "Hello Ann"
        assert mail.outbox == []
        (queued,) = DBTaskResult.objects.all()
        assert queued.task_path == "coleman.core.tasks.send_email"
        assert queued.status == "READY"

        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)

    (sent,) = mail.outbox
    assert (sent.subject, sent.to, sent.body) == ("Hello Ann", ["ann@example.com"], "Dear Ann, from CranStore.")
    assert sent.alternatives[0].content == "<p>Dear Ann</p>"
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


@pytest.mark.django_db
def test_a_mail_server_failure_marks_the_task_failed_and_is_logged(settings, caplog):
    """The mail server refusing the message fails the task (logged with its traceback); the
    caller is not interrupted."""
    settings.EMAIL_BACKEND = "tests.orders.test_pipeline.BrokenBackend"
    result = send_email.enqueue(subject="S", body="B", from_email="shop@example.com", to=["a@example.com"])
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.ConnectionRefusedError"
    assert "coleman.core.tasks.send_email" in caplog.text


RQ_SCRIPT = """
import django
django.setup()
from django.core import mail
from django_rq import get_queue, get_worker
from rq.worker import SimpleWorker
from coleman.core.tasks import send_email

mail.outbox = []  # the locmem backend appends here (the test runner sets it up in pytest)
queue = get_queue("default")
queue.empty()
send_email.enqueue(subject="Queued", body="Sent by RQ", from_email="shop@example.com", to=["rq@example.com"])
print("queued", queue.count, "sent", len(mail.outbox))
get_worker("default", worker_class=SimpleWorker).work(burst=True)
print("queued", queue.count, "sent", len(mail.outbox), mail.outbox[0].subject if mail.outbox else "-")
"""


def test_rq_backend_puts_the_email_on_redis_for_a_worker():
    """TASKS_BACKEND=rq: the task goes onto a Redis queue (nothing sent yet) and an RQ worker
    sends it. Runs in its own process, the way servers read TASKS_BACKEND from the environment."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecommerce_book.settings.test",
        "TASKS_BACKEND": "rq",
        "TASKS_REDIS_URL": REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", RQ_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    counts = [line for line in result.stdout.splitlines() if line.startswith("queued ")]
    assert counts == ["queued 1 sent 0", "queued 0 sent 1 Queued"], result.stdout
