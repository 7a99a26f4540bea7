"""With JavaScript, "Add to cart" keeps the keyboard where it was and says what happened.

The script adds with fetch and stays on the product page; the shopper who pressed the button
with the keyboard must still be on it afterwards (not thrown back to the top of the page), and
a screen reader must hear the result from the form's live region.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories.products import ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_focus_stays_on_the_button_and_the_result_is_announced(live_server, page):
    """Pressing Enter on "Add to cart" adds the product, updates the header, announces "Added …"
    in a status region that was on the page beforehand, and leaves the focus on the button."""
    product = ProductFactory(name="Cranberry Jam", slug="cranberry-jam", price=Decimal("4.50"), stock=5)
    page.goto(live_server.url + product.get_absolute_url())
    status = page.locator(".cart-add-form [role=status]")
    expect(status).to_have_count(1)
    expect(status).to_have_attribute("aria-live", "polite")
    button = page.get_by_role("button", name="Add to cart")
    button.focus()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Added Cranberry Jam to your cart (1 in cart).")
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    expect(button).to_be_focused()
    expect(button).not_to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")  # the keyboard is still on the button: a second press adds again
    expect(status).to_have_text("Added Cranberry Jam to your cart (2 in cart).")
    expect(button).to_be_focused()


def test_an_error_is_announced_and_the_focus_stays(live_server, page):
    """Asking for more than the stock announces the refusal in the same region, focus unmoved."""
    product = ProductFactory(name="Cranberry Jam", slug="cranberry-jam", stock=2)
    page.goto(live_server.url + product.get_absolute_url())
    page.get_by_label("Quantity").evaluate("input => input.removeAttribute('max')")
    page.get_by_label("Quantity").fill("9")
    button = page.get_by_role("button", name="Add to cart")
    button.focus()
    page.keyboard.press("Enter")
    status = page.locator(".cart-add-form [role=status]")
    expect(status).to_contain_text("2")
    expect(status).to_have_class("cart-add-status errorlist")
    expect(button).to_be_focused()
    expect(page.locator(".cart-summary-count")).to_have_text("0")
