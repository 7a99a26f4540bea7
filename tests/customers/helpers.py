"""Small helpers shared by the customers tests."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core import mail

URL_RE = re.compile(r"https?://\S+")


def links_in(message):
    """Every absolute URL in the plain-text body of ``message``."""
    return URL_RE.findall(message.body)


def activation_link(message):
    """The activation link of an activation email."""
    (link,) = [url for url in links_in(message) if "activation_key=" in url]
    return link


def activation_key_of(link):
    """The activation key carried by an activation link."""
    return parse_qs(urlsplit(link).query)["activation_key"][0]


def path_of(link):
    """The path and query of an absolute link, for the test client."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def last_email_to(address):
    """The last email sent to ``address``."""
    matching = [message for message in mail.outbox if address in message.to]
    assert matching, f"no email to {address}"
    return matching[-1]
