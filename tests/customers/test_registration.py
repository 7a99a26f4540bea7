"""Registration with django-registration's two-step activation workflow."""

import time
from smtplib import SMTPException
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from coleman.conf import DEFAULTS
from coleman.customers.models import Customer
from tests.factories.users import PASSWORD, UserFactory

from .helpers import activation_key_of, activation_link, path_of

User = get_user_model()
pytestmark = pytest.mark.django_db

REGISTER_URL = "/accounts/register/"


def registration_data(**overrides):
    data = {
        "username": "zoe",
        "first_name": "Zoë",
        "last_name": "Lindqvist",
        "email": "zoe@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def register(client, **overrides):
    return client.post(REGISTER_URL, registration_data(**overrides))


def test_register_page_asks_for_names_email_and_password_twice(client):
    """The registration page shows labelled fields for username, names, email, two passwords."""
    response = client.get(reverse("customers:register"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["username", "first_name", "last_name", "email", "password1", "password2"]:
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html
    assert "csrfmiddlewaretoken" in html


def test_registering_creates_an_inactive_account_with_profile_and_sends_activation_email(client):
    """A valid registration makes an inactive user (with names and a Customer) and emails a link."""
    response = register(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:registration-complete")
    user = User.objects.get(username="zoe")
    assert not user.is_active
    assert (user.first_name, user.last_name, user.email) == ("Zoë", "Lindqvist", "zoe@example.com")
    assert user.check_password(PASSWORD)
    assert Customer.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zoe@example.com"]
    assert message.subject == "Activate your CranStore account"
    assert "CranStore" in message.body
    assert "Hello Zoë" in message.body
    assert "7 days" in message.body
    link = activation_link(message)
    assert link.startswith("https://testserver/accounts/activate/?activation_key=")  # the store's address
    ((html, mimetype),) = message.alternatives  # and an HTML part with the same link
    assert mimetype == "text/html" and link.split("?")[0] in html and "<a href=" in html


def test_registration_complete_page_says_check_your_email(client):
    """After registering the shopper is told to open the emailed link, and for how long it works."""
    response = register(client)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Check your email" in page.content.decode()
    assert "7 days" in page.content.decode()


def test_inactive_account_cannot_log_in_before_activation(client):
    """Until the link is used, the right password does not log the new user in."""
    register(client)
    response = client.post(reverse("customers:login"), {"username": "zoe", "password": PASSWORD})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "activation link" in response.content.decode()


def test_activation_link_shows_a_button_and_post_activates_then_sends_to_login(client):
    """GET on the link only shows a confirm button; POST activates and redirects to log in."""
    register(client)
    link = activation_link(mail.outbox[0])
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Activate my account" in page.content.decode()
    assert not User.objects.get(username="zoe").is_active, "GET must not activate"

    response = client.post(reverse("customers:activate"), {"activation_key": activation_key_of(link)})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:login")
    assert User.objects.get(username="zoe").is_active
    login_page = client.get(response["Location"])
    assert "Your account is active" in login_page.content.decode()

    logged_in = client.post(reverse("customers:login"), {"username": "zoe", "password": PASSWORD})
    assert logged_in.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="zoe").pk)


def test_second_activation_is_refused_with_a_clear_page(client):
    """Using the same link twice explains the account is active already (409), by GET or POST."""
    register(client)
    key = activation_key_of(activation_link(mail.outbox[0]))
    client.post(reverse("customers:activate"), {"activation_key": key})

    again = client.post(reverse("customers:activate"), {"activation_key": key})
    assert again.status_code == 409
    assert "already active" in again.content.decode()
    revisit = client.get(reverse("customers:activate"), {"activation_key": key})
    assert revisit.status_code == 409
    assert "already active" in revisit.content.decode()


def test_expired_activation_key_is_refused_with_a_clear_page(client):
    """A link older than ACCOUNT_ACTIVATION_DAYS is explained (410) and activates nothing."""
    eight_days_ago = time.time() - 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        register(client)
    key = activation_key_of(activation_link(mail.outbox[0]))

    page = client.get(reverse("customers:activate"), {"activation_key": key})
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    posted = client.post(reverse("customers:activate"), {"activation_key": key})
    assert posted.status_code == 410
    assert "expired" in posted.content.decode()
    assert reverse("customers:activation-resend") in posted.content.decode()
    assert not User.objects.get(username="zoe").is_active


@pytest.mark.parametrize("key", ["garbage", "InpvZSI:1xVr3h:forged-signature", "", "x" * 3000])
def test_tampered_or_garbage_activation_key_is_refused(client, key):
    """A key whose signature does not verify is refused (400) and activates nobody."""
    register(client)
    response = client.post(reverse("customers:activate"), {"activation_key": key})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not User.objects.get(username="zoe").is_active


def test_old_activation_link_cannot_reenable_an_account_staff_disabled(client):
    """Once an account has been used, its activation link never re-activates it."""
    register(client)
    key = activation_key_of(activation_link(mail.outbox[0]))
    client.post(reverse("customers:activate"), {"activation_key": key})
    client.post(reverse("customers:login"), {"username": "zoe", "password": PASSWORD})
    User.objects.filter(username="zoe").update(is_active=False)  # staff disables the account

    response = Client().post(reverse("customers:activate"), {"activation_key": key})
    assert response.status_code == 409
    assert not User.objects.get(username="zoe").is_active


def test_duplicate_email_in_any_case_creates_no_account_and_reveals_nothing(client):
    """Registering with an address already in use (other case) looks the same as success,
    creates no account and tells the address's owner by email instead."""
    UserFactory(username="first", email="Zoe@Example.com")
    fresh = Client().post(REGISTER_URL, registration_data(username="fresh", email="fresh@example.com"))
    mail.outbox.clear()

    duplicate = register(client, email="zoe@EXAMPLE.com")

    assert duplicate.status_code == fresh.status_code == 302
    assert duplicate["Location"] == fresh["Location"]
    assert not User.objects.filter(username="zoe").exists()
    assert User.objects.filter(email__iexact="zoe@example.com").count() == 1
    (message,) = mail.outbox
    assert message.subject == "You already have a CranStore account"
    assert "no new account was created" in message.body
    assert "https://testserver/accounts/password/reset/" in message.body


def test_duplicate_username_in_any_case_is_a_form_error(client):
    """A username that exists in another case is refused on the form."""
    UserFactory(username="Zoe")
    response = register(client, username="zoe")
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"last_name": ""}, "last_name", "This field is required."),
        ({"password2": "something-else-99"}, "password2", "didn’t match"),
        ({"password1": "123", "password2": "123"}, "password2", "too short"),
        ({"username": "a b"}, "username", "Enter a valid username"),
        ({"username": "x" * 151}, "username", "at most 150 characters"),
        ({"first_name": "É" * 5000}, "first_name", "at most 150 characters"),
        ({"last_name": "z" * 151}, "last_name", "at most 150 characters"),
        ({"email": "a" * 250 + "@example.com"}, "email", "at most 254 characters"),
    ],
)
def test_invalid_registration_shows_the_error_next_to_the_field(client, overrides, field, message):
    """Each invalid value is explained next to its field; nothing is created, no email sent."""
    response = register(client, **overrides)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert any(message in error for error in errors[field])
    assert message.replace("’", "&#x27;") in response.content.decode() or message in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "zoe@",
        "@example.com",
        "zoe@@example.com",
        "zoe example@example.com",
        "<script>@x.com",
        "",
    ],
)
def test_malformed_email_is_refused(client, email):
    """Malformed addresses get a form error (400), never an account."""
    response = register(client, email=email)
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("first_name", "last_name"),
    [("Zoë", "Ødegård"), ("李", "小龙"), ("Þórr", "O'Brien"), ("Ana-María", "Nuñez")],
)
def test_unicode_names_are_kept_exactly_and_emailed_unescaped(client, first_name, last_name):
    """Names in any script are stored as typed and appear unescaped in the plain-text email."""
    response = register(client, first_name=first_name, last_name=last_name)
    assert response.status_code == 302
    user = User.objects.get(username="zoe")
    assert (user.first_name, user.last_name) == (first_name, last_name)
    assert f"Hello {first_name}," in mail.outbox[0].body


def test_mixed_script_confusable_username_is_refused(client):
    """A username mixing scripts to look like another (Cyrillic 'а' in 'pаypal') is refused."""
    response = register(client, username="p\u0430ypal")
    assert response.status_code == 400
    assert "username" in response.context["form"].errors


def test_registration_without_csrf_token_is_refused():
    """A cross-site POST (no CSRF token) gets 403 and creates nothing."""
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(REGISTER_URL, registration_data())
    assert response.status_code == 403
    assert not User.objects.exists()
    assert not mail.outbox


@override_settings(REGISTRATION_OPEN=False)
def test_closed_registration_redirects_to_a_closed_page(client):
    """With REGISTRATION_OPEN off, the register page redirects to an explanation."""
    response = client.post(REGISTER_URL, registration_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:registration-closed")
    assert "Registration is closed" in client.get(response["Location"]).content.decode()
    assert not User.objects.exists()


def test_logged_in_user_visiting_register_goes_to_their_account(client):
    """A logged-in customer has no use for the register page."""
    client.force_login(UserFactory())
    response = client.get(REGISTER_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:profile")


def test_failed_activation_email_rolls_the_account_back(client):
    """If the activation email cannot be sent, no half-made account is left behind."""
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=SMTPException("down")):
        with pytest.raises(SMTPException):
            register(client)
    assert not User.objects.exists()
    assert not Customer.objects.exists()


def test_resend_sends_a_fresh_link_to_an_account_waiting_for_activation(client):
    """A shopper who lost the email gets a new working link for their inactive account."""
    register(client)
    mail.outbox.clear()
    response = client.post(reverse("customers:activation-resend"), {"email": "ZOE@example.com"})
    assert response.status_code == 302
    (message,) = mail.outbox
    key = activation_key_of(activation_link(message))
    client.post(reverse("customers:activate"), {"activation_key": key})
    assert User.objects.get(username="zoe").is_active


@pytest.mark.parametrize("email", ["nobody@example.com", "active@example.com"])
def test_resend_answers_the_same_for_unknown_and_active_addresses_and_sends_nothing(client, email):
    """Asking for a link for an unknown or already-active address looks like success, mails nothing."""
    UserFactory(username="active", email="active@example.com")
    response = client.post(reverse("customers:activation-resend"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:registration-complete")
    assert not mail.outbox


@override_settings(COLEMAN_CUSTOMERS_EMAILS_PER_CLIENT=2)
def test_resend_is_throttled_per_client(client):
    """Sign-up and resend share one per-client email budget; beyond it resend answers 429."""
    register(client)
    url = reverse("customers:activation-resend")
    assert client.post(url, {"email": "zoe@example.com"}).status_code == 302
    assert len(mail.outbox) == 2
    response = client.post(url, {"email": "zoe@example.com"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert len(mail.outbox) == 2


@override_settings(COLEMAN_CUSTOMERS_EMAILS_PER_CLIENT=2)
def test_registration_emails_are_throttled_per_client(client):
    """One client cannot use the sign-up form to send unlimited emails (429, no account)."""
    for number in range(2):
        assert register(client, username=f"user{number}", email=f"user{number}@example.com").status_code == 302
    response = register(client, username="user9", email="user9@example.com")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert not User.objects.filter(username="user9").exists()
    assert len(mail.outbox) == 2


def test_the_per_client_default_lets_a_shared_address_register_many_shoppers(client):
    """Many shoppers behind one address (an office, a school) can all sign up: the default
    per-client budget is well above one household's needs."""
    assert DEFAULTS["CUSTOMERS_EMAILS_PER_CLIENT"] >= 30
    for number in range(12):  # more than the old limit of 10
        assert register(client, username=f"office{number}", email=f"office{number}@example.com").status_code == 302
    assert len(mail.outbox) == 12


@override_settings(COLEMAN_CUSTOMERS_EMAILS_PER_ADDRESS=2)
def test_account_emails_to_one_address_are_limited_from_any_client(client):
    """One mailbox gets at most COLEMAN_CUSTOMERS_EMAILS_PER_ADDRESS account emails in the
    window, even from different clients (addresses compared case-insensitively); the 429 is
    the same whether or not the address has an account."""
    register(client)  # 1: the activation email to zoe@example.com
    url = reverse("customers:activation-resend")
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(url, {"email": "ZOE@example.com"}).status_code == 302  # 2
    response = Client(REMOTE_ADDR="198.51.100.7").post(url, {"email": "zoe@example.com"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert len(mail.outbox) == 2
    unknown = Client(REMOTE_ADDR="198.51.100.8")
    for _ in range(2):
        assert unknown.post(url, {"email": "nobody@example.com"}).status_code == 302
    assert unknown.post(url, {"email": "nobody@example.com"}).status_code == 429
    assert client.post(url, {"email": "someone-else@example.com"}).status_code == 302  # others are not held up
