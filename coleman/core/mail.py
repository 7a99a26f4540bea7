"""Templated emails: one way to render a subject and a body and send them."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template

from coleman.conf import coleman_settings

logger = logging.getLogger(__name__)


def _template_names(names):
    return [names] if isinstance(names, str) else list(names)


def render_subject(template_names, context, request=None) -> str:
    """Render a subject template to one line (newlines and runs of spaces collapsed)."""
    template = select_template(_template_names(template_names))
    return " ".join(template.render(context, request).split())


def send_templated_mail(*, to, subject_template, body_template, context, request=None, html_template=None):
    """Render and send one email to the addresses ``to`` (a string or a list).

    Each template argument may be one name or a list of names tried in order. The context
    always holds ``store_name``. ``html_template`` adds an HTML alternative to the plain text.
    Raises what the mail backend raises; callers that must not fail wrap it themselves.
    """
    context = {"store_name": coleman_settings.STORE_NAME, **context}
    recipients = [to] if isinstance(to, str) else list(to)
    subject = render_subject(subject_template, context, request)
    body = select_template(_template_names(body_template)).render(context, request)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    if html_template:
        message.attach_alternative(render_to_string(html_template, context, request), "text/html")
    message.send()
    return message


__all__ = ["render_subject", "send_templated_mail"]
