"""The address book in a real browser with JavaScript switched off."""

import pytest

from coleman.customers.services import set_default_address
from tests.factories.customers import AddressFactory
from tests.factories.users import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args():
    """No JavaScript: every account page must work with plain forms."""
    return {"java_script_enabled": False}


def test_log_in_from_a_page_fix_an_address_error_switch_default_and_delete(page, live_server):
    """Log in returns to the page you came from; address errors are shown; default and delete work."""
    user = UserFactory(username="cora", first_name="Cora", last_name="Cranberry")
    set_default_address(user, AddressFactory(user=user, name="Cora at Home", line1="1 Home Lane"))

    page.goto(live_server.url + "/products/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.url == live_server.url + "/products/"

    page.goto(live_server.url + "/accounts/addresses/add/")
    page.get_by_label("Full name").fill("Cora at Work")
    page.get_by_label("Address line 1").fill("9 Harvest Way")
    page.get_by_label("City").fill("Carver")
    page.get_by_label("State / region").fill("Atlantis")
    page.get_by_label("Postal code").fill("02330")
    page.get_by_role("button", name="Save address").click()
    # The error summary at the top links to the field; the field says the error too.
    page.get_by_role("link", name="State / region: Choose a US state", exact=False).wait_for()
    page.locator("#id_state_error").get_by_text("Choose a US state").wait_for()
    assert page.get_by_label("City").input_value() == "Carver", "what was typed is kept"

    page.get_by_label("State / region").fill("MA")
    page.get_by_role("button", name="Save address").click()
    page.get_by_text("Address saved.").wait_for()

    cards = page.locator(".address-card")
    assert cards.count() == 2
    assert "Default shipping address" in cards.nth(0).inner_text()
    assert "1 Home Lane" in cards.nth(0).inner_text()

    page.get_by_role("button", name="Make default Cora at Work, 9 Harvest Way").click()
    page.get_by_text("Default shipping address updated.").wait_for()
    assert "9 Harvest Way" in page.locator(".address-default").inner_text()

    page.get_by_role("link", name="Delete Cora at Home, 1 Home Lane").click()
    page.get_by_role("button", name="Delete address").click()
    page.get_by_text("Address deleted.").wait_for()
    assert page.locator(".address-card").count() == 1
    assert "1 Home Lane" not in page.content()
