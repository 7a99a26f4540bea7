"""Templated emails: one way to render a subject and a body and send them."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template

from coleman.conf import coleman_settings

from .tasks import send_email

logger = logging.getLogger(__name__)


def _template_names(names):
    return [names] if isinstance(names, str) else list(names)


def site_url() -> str:
    """The store's address for absolute links in emails, without a trailing slash
    (``COLEMAN_SITE_URL``, or the first ``ALLOWED_HOSTS`` name)."""
    configured = coleman_settings.SITE_URL
    if configured:
        return configured.rstrip("/")
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    if hosts:
        return f"{'http' if settings.DEBUG else 'https'}://{hosts[0]}"
    return "http://127.0.0.1:8000"


def absolute_url(path) -> str:
    """``path`` (a site path such as ``/products/jam/``) as an absolute link for an email."""
    return site_url() + path


def render_subject(template_names, context, request=None) -> str:
    """Render a subject template to one line (newlines and runs of spaces collapsed)."""
    template = select_template(_template_names(template_names))
    return " ".join(template.render(context, request).split())


def send_templated_mail(*, to, subject_template, body_template, context, request=None, html_template=None):
    """Render one email to the addresses ``to`` (a string or a list) and queue it for sending.

    Each template argument may be one name or a list of names tried in order. The context
    always holds ``store_name``. ``html_template`` adds an HTML alternative to the plain text.
    The templates are rendered here, in the request (they may need it and the objects in the
    context); the sending, which waits on the mail server, is the task
    :func:`coleman.core.tasks.send_email` on the project's task backend. With the immediate
    backend (development, tests) it is sent before this returns. Returns the message.
    """
    context = {"store_name": coleman_settings.STORE_NAME, **context}
    recipients = [to] if isinstance(to, str) else list(to)
    subject = render_subject(subject_template, context, request)
    body = select_template(_template_names(body_template)).render(context, request)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    if html_template:
        message.attach_alternative(render_to_string(html_template, context, request), "text/html")
    send_email.enqueue(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        alternatives=[[content, mimetype] for content, mimetype in message.alternatives],
    )
    return message


__all__ = ["render_subject", "send_templated_mail"]
