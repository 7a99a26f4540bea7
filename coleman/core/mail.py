"""Templated emails: one way to render a subject, a plain-text body and an HTML body and send them.

Every email carries both parts. Its HTML part is the body template's ``.html`` twin when there
is one (``orders/email/status_body.html`` beside ``status_body.txt``), or else the plain text
laid out by ``core/email/body.html`` with its addresses made into links. Links in emails are
absolute: templates build them from ``site_url`` (``COLEMAN_SITE_URL``), which every email's
context holds, never from the request's Host header.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import select_template

from coleman.conf import coleman_settings

from .tasks import send_email

logger = logging.getLogger(__name__)

# Lays out a plain-text body as HTML when a body template has no HTML twin.
DEFAULT_HTML_TEMPLATE = "core/email/body.html"


def _template_names(names):
    return [names] if isinstance(names, str) else list(names)


def site_url() -> str:
    """The store's address without a trailing slash: ``COLEMAN_SITE_URL``, or a scheme and the
    first ``ALLOWED_HOSTS`` name (``http://127.0.0.1:8000`` with no usable host)."""
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


def email_context(context) -> dict:
    """``context`` with what every email template may use: ``store_name`` and ``site_url``."""
    return {"store_name": coleman_settings.STORE_NAME, "site_url": site_url(), **context}


def render_subject(template_names, context, request=None) -> str:
    """Render a subject template to one line (newlines and runs of spaces collapsed)."""
    template = select_template(_template_names(template_names))
    return " ".join(template.render(context, request).split())


def html_template_names(body_template) -> list[str]:
    """Where the HTML part of a body template is looked for: its ``.html`` twins, then the
    default layout of plain text."""
    twins = [name.removesuffix(".txt") + ".html" for name in _template_names(body_template) if name.endswith(".txt")]
    return [*twins, DEFAULT_HTML_TEMPLATE]


def render_email(*, subject_template, body_template, context, request=None, html_template=None):
    """Render an email: ``(subject, text, html)``. The context gets :func:`email_context`'s
    names, and the HTML template also ``text_body`` (the plain text)."""
    context = email_context(context)
    subject = render_subject(subject_template, context, request)
    text = select_template(_template_names(body_template)).render(context, request)
    names = _template_names(html_template) if html_template else html_template_names(body_template)
    html = select_template(names).render({**context, "text_body": text, "subject": subject}, request)
    return subject, text, html


def templated_message(*, to, subject_template, body_template, context, request=None, html_template=None):
    """The rendered email (an ``EmailMultiAlternatives``, not sent) of :func:`send_templated_mail`'s
    arguments: for a task that renders and sends in the worker (see ``coleman.orders.tasks``)."""
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render_email(
        subject_template=subject_template,
        body_template=body_template,
        context=context,
        request=request,
        html_template=html_template,
    )
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    return message


def send_templated_mail(*, to, subject_template, body_template, context, request=None, html_template=None):
    """Render one email to the addresses ``to`` (a string or a list) and queue it for sending.

    Each template argument may be one name or a list of names tried in order. The context
    always holds ``store_name`` and ``site_url``. The HTML part comes from ``html_template``,
    else from :func:`html_template_names`. The templates are rendered here, in the request
    (they may need it and the objects in the context); the sending, which waits on the mail
    server, is the task :func:`coleman.core.tasks.send_email` on the project's task backend.
    With the immediate backend (development, tests) it is sent before this returns. Returns
    the message. (An email that can be rendered from rows alone may rather be rendered by a
    task of its own, out of the request: :func:`templated_message` builds it there.)
    """
    message = templated_message(
        to=to,
        subject_template=subject_template,
        body_template=body_template,
        context=context,
        request=request,
        html_template=html_template,
    )
    send_email.enqueue(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        alternatives=[[content, mimetype] for content, mimetype in message.alternatives],
    )
    return message


__all__ = ["email_context", "render_email", "render_subject", "send_templated_mail", "site_url", "templated_message"]
