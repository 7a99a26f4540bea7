"""Slow work done after a request, as tasks of Django's tasks framework (the ``django-tasks``
backport on Django 5.2).

Which backend runs them is the project's choice (``TASKS``): the immediate backend runs a
task inside the request (development, tests), the database backend stores it for
``manage.py db_worker``, the RQ backend puts it on a Redis queue for ``manage.py rqworker``.
Task arguments are plain JSON values, so every backend can carry them.
"""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, subject, body, from_email, to, alternatives=()):
    """Send one rendered email; ``alternatives`` are ``[content, mimetype]`` pairs.

    Returns the number of recipients. A mail server failure raises, so the backend records
    the task as failed (and ``django_tasks`` logs it with its traceback).
    """
    message = EmailMultiAlternatives(subject, body, from_email, list(to))
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()
    return len(message.to)


__all__ = ["send_email"]
