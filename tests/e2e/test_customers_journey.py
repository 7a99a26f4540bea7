"""A shopper's first visit in a real browser: register, activate, log in, add an address."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "cranberry-sauce-42"


def test_register_activate_log_in_add_address_and_see_it_on_the_profile(page, live_server, settings):
    """The whole account journey works in chromium, using the link from the captured email."""
    settings.COLEMAN_SITE_URL = live_server.url  # links in emails start with the store's address
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Register").click()

    page.get_by_label("Username").fill("zoe")
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Ødegård")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    # live_server runs in a thread of this process, so the locmem outbox is shared.
    (message,) = mail.outbox
    link = re.search(r"http://\S+activation_key=\S+", message.body).group(0)
    assert link.startswith(f"{live_server.url}/accounts/activate/?activation_key=")
    page.goto(link)
    page.get_by_role("button", name="Activate my account").click()
    page.get_by_text("Your account is active").wait_for()

    page.get_by_label("Username").fill("zoe")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator(".site-header").get_by_role("link", name="My account").click()
    page.get_by_role("heading", name="My account").wait_for()
    assert page.get_by_text("Zoë Ødegård").is_visible()

    page.get_by_role("link", name="Add an address").click()
    page.get_by_label("Full name").fill("Zoë Ødegård")
    page.get_by_label("Address line 1").fill("12 Bog Road")
    page.get_by_label("City").fill("Wareham")
    page.get_by_label("State / region").fill("Massachusetts")
    page.get_by_label("Postal code").fill("02571")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Save address").click()
    page.get_by_text("Address saved.").wait_for()

    page.locator(".site-header").get_by_role("link", name="My account").click()
    address = page.locator(".address-card")
    assert address.count() == 1
    text = address.inner_text()
    assert "12 Bog Road" in text
    assert "Wareham, MA 02571" in text
    assert "Default shipping address" in text

    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You have been logged out.").wait_for()
    assert page.get_by_role("link", name="Log in").is_visible()
