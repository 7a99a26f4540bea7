"""Login (with throttling), logout, password change and password reset."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories.users import PASSWORD, UserFactory

from .helpers import links_in, path_of

User = get_user_model()
pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def log_in(client, username="cora", password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_login_url_setting_points_protected_pages_at_our_login_page(client):
    """An anonymous visit to the account page redirects to /accounts/login/ with next."""
    response = client.get(reverse("customers:profile"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_login_page_renders_our_template_with_labelled_fields(client):
    """The login page is ours (site layout, labels, reset link)."""
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert reverse("customers:password-reset") in html
    assert "customers/login.html" in [template.name for template in response.templates]


def test_login_with_the_right_password_logs_in_and_follows_a_local_next(client, shopper):
    """A successful login goes to the local ``next`` page."""
    response = log_in(client, **{"QUERY_STRING": "next=/accounts/addresses/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/addresses/"
    assert client.session["_auth_user_id"] == str(shopper.pk)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
    ],
)
def test_login_ignores_a_next_pointing_to_another_site(client, shopper, next_url):
    """``next`` to another host (or a script URL) is ignored: no open redirect."""
    response = client.post(LOGIN_URL, {"username": "cora", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_generic_message(client, shopper):
    """A wrong password re-shows the form (400) with a message that does not say which part was wrong."""
    response = log_in(client, password="wrong-password")
    assert response.status_code == 400
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, shopper):
    """Login failures never reveal whether the username exists."""
    unknown = log_in(client, username="nobody", password="whatever-1")
    wrong = log_in(client, password="wrong-password")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()


@override_settings(COLEMAN_CUSTOMERS_LOGIN_ATTEMPTS=3)
def test_repeated_failures_lock_the_username_from_that_address_even_for_the_right_password(client, shopper):
    """After the allowed failures, even the right password is refused with 429 and a clear message."""
    for _ in range(3):
        assert log_in(client, password="wrong-password").status_code == 400
    response = log_in(client)
    assert response.status_code == 429
    assert "Too many failed attempts to log in" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(COLEMAN_CUSTOMERS_LOGIN_ATTEMPTS=3)
def test_lockout_is_per_username_and_address(client, shopper):
    """A lock on one username from one address leaves other addresses and usernames alone."""
    UserFactory(username="other")
    for _ in range(3):
        log_in(client, password="wrong-password")
    assert log_in(client, username="CORA").status_code == 429, "usernames are matched case-insensitively"
    assert log_in(Client(), REMOTE_ADDR="10.0.0.9").status_code == 302
    assert log_in(Client(), username="other").status_code == 302


@override_settings(COLEMAN_CUSTOMERS_LOGIN_ATTEMPTS=3)
def test_a_successful_login_clears_the_failure_count(client, shopper):
    """Failures below the limit are forgotten after a successful login."""
    for _ in range(2):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 302
    client.logout()
    for _ in range(2):
        assert log_in(client, password="wrong-password").status_code == 400
    assert log_in(client).status_code == 302


def test_very_long_login_input_is_refused_cleanly(client, shopper):
    """Oversized username or password gives a form error, not a crash."""
    response = log_in(client, username="u" * 10_000, password="p" * 100_000)
    assert response.status_code == 400


def test_login_without_csrf_token_is_refused(shopper):
    """A cross-site login POST (login CSRF) gets 403."""
    response = log_in(Client(enforce_csrf_checks=True))
    assert response.status_code == 403


def test_logged_in_user_visiting_login_is_sent_on(shopper_client):
    """The login page redirects a logged-in customer."""
    assert shopper_client.get(LOGIN_URL).status_code == 302


def test_logout_is_post_only(shopper_client, shopper):
    """GET does not log out (405); POST does and redirects home with a message."""
    assert shopper_client.get(reverse("customers:logout")).status_code == 405
    assert shopper_client.session["_auth_user_id"] == str(shopper.pk)
    response = shopper_client.post(reverse("customers:logout"), follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "_auth_user_id" not in shopper_client.session
    assert "You have been logged out." in response.content.decode()


def test_logout_without_csrf_token_is_refused(shopper):
    """A cross-site page cannot log a customer out."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(shopper)
    assert csrf_client.post(reverse("customers:logout")).status_code == 403
    assert csrf_client.session["_auth_user_id"] == str(shopper.pk)


def test_header_shows_log_in_and_register_to_visitors(client):
    """Anonymous visitors see Log in and Register in the header."""
    html = client.get("/").content.decode()
    assert ">Log in</a>" in html
    assert ">Register</a>" in html
    assert "My account" not in html


def test_header_shows_account_and_a_post_logout_button_to_customers(shopper_client):
    """Logged-in customers see My account and a Log out button inside a POST form with CSRF."""
    html = shopper_client.get("/").content.decode()
    assert f'href="{reverse("customers:profile")}">My account</a>' in html
    assert f'<form method="post" action="{reverse("customers:logout")}">' in html
    logout_form = html[html.index(f'action="{reverse("customers:logout")}"') :]
    assert "csrfmiddlewaretoken" in logout_form[: logout_form.index("</form>")]
    assert ">Log out</button>" in html
    assert ">Log in</a>" not in html
    assert ('href="/orders/">My orders</a>' in html) == apps.is_installed("coleman.orders")


def test_password_change_requires_the_old_password_and_keeps_the_session(shopper_client, shopper):
    """The password change form checks the old password, saves the new one, keeps the user logged in."""
    url = reverse("customers:password-change")
    bad = shopper_client.post(url, {"old_password": "nope", "new_password1": "x", "new_password2": "x"})
    assert bad.status_code == 400
    good = shopper_client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "bog-harvest-2026", "new_password2": "bog-harvest-2026"},
    )
    assert good.status_code == 302
    assert good["Location"] == reverse("customers:password-change-done")
    shopper.refresh_from_db()
    assert shopper.check_password("bog-harvest-2026")
    assert shopper_client.get(reverse("customers:profile")).status_code == 200


def test_password_change_requires_login(client):
    """Anonymous visitors are sent to log in."""
    response = client.get(reverse("customers:password-change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, shopper):
    """The reset form redirects to the same page for any address and mails only real accounts."""
    url = reverse("customers:password-reset")
    unknown = client.post(url, {"email": "nobody@example.com"})
    assert not mail.outbox
    known = client.post(url, {"email": "CORA@example.com"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("customers:password-reset-done")
    assert len(mail.outbox) == 1
    done = client.get(known["Location"]).content.decode()
    assert "If an active account uses the address you entered" in done


def test_password_reset_email_has_both_parts_with_store_name_and_a_working_link(client, shopper):
    """The email has a plain-text and an HTML part, both with the absolute link (from the
    store's address, not the request's host), which lets the customer choose a new password once."""
    client.post(reverse("customers:password-reset"), {"email": "cora@example.com"})
    (message,) = mail.outbox
    assert message.subject == "Reset your CranStore password"
    assert "CranStore" in message.body and "username: cora" in message.body
    (link,) = [url for url in links_in(message) if "/accounts/password/reset/" in url]
    assert link.startswith("https://testserver/accounts/password/reset/")
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and f'href="{link}"' in html

    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "fresh-berries-77", "new_password2": "fresh-berries-77"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:password-reset-complete")
    shopper.refresh_from_db()
    assert shopper.check_password("fresh-berries-77")

    reused = client.get(path_of(link), follow=True)
    assert reused.status_code == 400
    assert "This link is not valid" in reused.content.decode()


def test_password_reset_rejects_a_malformed_address(client):
    """A malformed address is a form error, not an email."""
    response = client.post(reverse("customers:password-reset"), {"email": "not an email"})
    assert response.status_code == 400
    assert not mail.outbox


@override_settings(COLEMAN_CUSTOMERS_EMAILS_PER_CLIENT=2)
def test_password_reset_emails_are_throttled_per_client(client, shopper):
    """One client cannot flood a mailbox with reset emails (429 beyond the limit)."""
    url = reverse("customers:password-reset")
    for _ in range(2):
        assert client.post(url, {"email": "cora@example.com"}).status_code == 302
    response = client.post(url, {"email": "cora@example.com"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2


@override_settings(COLEMAN_CUSTOMERS_LOGIN_ATTEMPTS=2)
def test_admin_login_is_throttled_too(client, staff_user):
    """Guessing a staff password in the admin is throttled the same way: 429 (like the store's
    log-in page) with the same message, even for the right password."""
    url = reverse("admin:login")
    for _ in range(2):
        assert client.post(url, {"username": "boss", "password": "wrong-password"}).status_code == 200
    response = client.post(url, {"username": "boss", "password": "pw-boss-123"})
    assert response.status_code == 429
    assert "Too many failed attempts to log in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_header_links_to_my_orders_only_when_orders_is_installed(rf, shopper):
    """With the orders app installed the header adds "My orders" (linking orders:list)."""
    request = rf.get("/")
    request.user = shopper
    with_orders = render_to_string(
        "customers/_account_links.html", {"user": shopper, "installed": {"orders": True}}, request
    )
    without_orders = render_to_string(
        "customers/_account_links.html", {"user": shopper, "installed": {"orders": False}}, request
    )
    assert '<a href="/orders/">My orders</a>' in with_orders
    assert "My orders" not in without_orders
