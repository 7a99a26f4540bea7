"""Every email template renders absolute links only, in a plain-text and an HTML part.

Each ``*/email/*_body.txt`` of the apps is rendered the way the store sends it
(:func:`coleman.core.mail.render_email`) with a context like the one its sender gives; a new
template without an entry in ``CONTEXTS`` fails the test, so none is left out. Links come from
``COLEMAN_SITE_URL``, never from a request's Host header.
"""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from coleman.core.mail import absolute_url, render_email, send_templated_mail
from coleman.orders.models import OrderFeedback
from coleman.reports.periods import ReportScopeForm
from tests.factories.digital import AssetFactory, DigitalProductFactory, order_with, pay
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://shop.example.com"
APPS = Path(__file__).resolve().parents[2] / "coleman"
TEMPLATES = sorted(str(path.relative_to(path.parents[2])) for path in APPS.glob("*/templates/*/email/*_body.txt"))

# A path standing alone in text ("see /reports/"), i.e. a link without the site's address.
RELATIVE = re.compile(r"""(?:^|[\s(<"'])(/[\w.-]+/[^\s)>"']*)""", re.M)
ABSOLUTE = re.compile(r"https?://[^\s)>\"'<]+")
HREF = re.compile(r'href="([^"]*)"')


@pytest.fixture
def site(settings):
    """The store's address is set; the request host (testserver) must not appear in links."""
    settings.COLEMAN_SITE_URL = SITE + "/"
    return SITE


@pytest.fixture
def contexts(site):
    """What each email's sender puts in its context, with real objects."""
    customer = UserFactory(username="cora", first_name="Cora", email="cora@example.com")
    asset = AssetFactory()
    order = pay(order_with(asset.product, DigitalProductFactory(), user=customer))
    change = order.history.order_by("-created_at", "-id").first()
    status = {"order": order, "change": change, "lines": list(order.lines.all()), "status_label": "Paid"}
    message = OrderFeedback.objects.create(order=order, author=customer, body="Where is my jam?")
    scope = ReportScopeForm({"period": "last-month"})
    assert scope.is_valid(), scope.errors
    return {
        "orders/email/status_body.txt": status,
        "orders/email/status_NEW_body.txt": status,
        "orders/email/status_PAID_body.txt": status,
        "orders/email/status_SHIPPED_body.txt": {**status, "order": order},
        "orders/email/status_CLOSED_body.txt": status,
        "orders/email/feedback_reply_body.txt": {"order": order, "message": message},
        "orders/email/feedback_staff_body.txt": {"order": order, "message": message},
        "customers/email/activation_body.txt": {
            "user": customer,
            "activation_url": f"{site}{reverse('customers:activate')}?activation_key=abc",
            "expiration_days": 7,
        },
        "customers/email/account_exists_body.txt": {
            "login_url": site + reverse("customers:login"),
            "reset_url": site + reverse("customers:password-reset"),
            "resend_url": site + reverse("customers:activation-resend"),
        },
        "customers/email/password_reset_body.txt": {
            "user": customer,
            "uid": "MQ",
            "token": "abc-123",
            "protocol": "http",
            "domain": "testserver",
        },
        "customers/email/email_changed_body.txt": {"user": customer, "new_email": "new@example.com"},
        "digital/email/subscription_expired_body.txt": {
            "user": customer,
            "product": asset.product,
            "subscription": None,
        },
        "reports/email/report_body.txt": {"title": "Sales report", "scope": scope.scope()},
        "wishlists/email/back_in_stock_body.txt": {
            "product": asset.product,
            "product_url": absolute_url(asset.product.get_absolute_url()),
        },
        "wishlists/email/confirm_alert_body.txt": {
            "product": asset.product,
            "confirm_url": absolute_url(reverse("wishlists:alert-confirm") + "?token=signed-token"),
        },
    }


def test_every_email_template_has_a_context_here(contexts):
    """The test covers every email body template of the apps."""
    assert set(TEMPLATES) == set(contexts)


@pytest.mark.parametrize("template", TEMPLATES)
def test_links_are_absolute_in_both_parts(contexts, site, template):
    """The plain text has no bare path and every address in it starts with the store's
    address; the HTML part links every one of them (absolute too; e-mail addresses as mailto:)."""
    subject = template.replace("_body.txt", "_subject.txt")
    _subject, text, html = render_email(subject_template=subject, body_template=template, context=contexts[template])
    assert RELATIVE.findall(text) == [], text
    links = ABSOLUTE.findall(text)
    assert all(link.startswith(site + "/") for link in links), links
    assert "testserver" not in text
    hrefs = HREF.findall(html)
    assert all(href.startswith((site + "/", "mailto:")) for href in hrefs), hrefs
    for link in links:
        assert f'href="{link.replace("&", "&amp;")}"' in html


def test_emails_that_point_somewhere_do_carry_a_link(contexts, site):
    """The emails that send the reader to a page give its absolute address."""
    expected = {
        "orders/email/status_NEW_body.txt": reverse("orders:lookup"),
        "orders/email/status_PAID_body.txt": reverse("digital:list"),
        "orders/email/feedback_reply_body.txt": contexts["orders/email/feedback_reply_body.txt"][
            "order"
        ].get_absolute_url(),
        "orders/email/feedback_staff_body.txt": "/admin/orders/order/",
        "customers/email/password_reset_body.txt": "/accounts/password/reset/MQ/abc-123/",
        "reports/email/report_body.txt": reverse("reports:index"),
    }
    for template, path in expected.items():
        subject = template.replace("_body.txt", "_subject.txt")
        _subject, text, _html = render_email(
            subject_template=subject, body_template=template, context=contexts[template]
        )
        assert site + path in text, template


def test_send_templated_mail_sends_text_and_html(site):
    """Every email sent goes out with a plain-text body and an HTML alternative."""
    send_templated_mail(
        to="cora@example.com",
        subject_template="customers/email/account_exists_subject.txt",
        body_template="customers/email/account_exists_body.txt",
        context={"login_url": f"{site}/accounts/login/", "reset_url": "", "resend_url": ""},
    )
    (message,) = mail.outbox
    assert f"{site}/accounts/login/" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert f'<a href="{site}/accounts/login/"' in html
