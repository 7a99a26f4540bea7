"""Templated emails: one-line subjects, the store name in context, an optional HTML part."""

from django.core import mail
from django.template import engines
from django.test import override_settings

from coleman.core.mail import absolute_url, render_subject, send_templated_mail

LOCMEM_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "subject.txt": "Hello\n  {{ name }}\n",
                        "body.txt": "Dear {{ name }}, from {{ store_name }}.",
                        "body.html": "<p>Dear {{ name }}</p>",
                    },
                )
            ]
        },
    }
]


@override_settings(TEMPLATES=LOCMEM_TEMPLATES, COLEMAN_STORE_NAME="CranStore")
def test_subject_is_one_line_and_body_names_the_store():
    """Newlines in a subject template collapse; the body sees ``store_name``."""
    engines._engines = {}
    try:
        assert render_subject("subject.txt", {"name": "Ann"}) == "Hello Ann"
        send_templated_mail(
            to="ann@example.com",
            subject_template="subject.txt",
            body_template="body.txt",
            html_template="body.html",
            context={"name": "Ann"},
        )
    finally:
        engines._engines = {}
    (message,) = mail.outbox
    assert message.subject == "Hello Ann"
    assert message.to == ["ann@example.com"]
    assert message.body == "Dear Ann, from CranStore."
    assert message.alternatives[0].content == "<p>Dear Ann</p>"


def test_absolute_links_in_emails_use_the_site_url(settings):
    """Links in emails are built from ``COLEMAN_SITE_URL`` (trailing slash ignored), else from
    the first real ``ALLOWED_HOSTS`` name, over HTTPS unless DEBUG."""
    settings.COLEMAN_SITE_URL = "https://shop.example.com/"
    assert absolute_url("/products/jam/") == "https://shop.example.com/products/jam/"
    settings.COLEMAN_SITE_URL = ""
    settings.ALLOWED_HOSTS = [".example.net", "store.example.org"]
    settings.DEBUG = False
    assert absolute_url("/downloads/") == "https://store.example.org/downloads/"
