"""Steps the payment journeys share: from the cart to "Place order" as a guest."""

from playwright.sync_api import expect


def place_guest_order(page, live_server, pay_with):
    """Open the cart, go to checkout, fill a guest's email and US address, choose the payment
    method labelled ``pay_with`` and press "Place order"."""
    page.goto(live_server.url + "/cart/")
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("button", name="Place order")).to_be_visible()
    page.get_by_label(pay_with, exact=True).check()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Address line 1").fill("12 Bog Road")
    page.get_by_label("City").fill("Wareham")
    page.get_by_label("State / region").fill("MA")
    page.get_by_label("Postal code").fill("02571")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Place order").click()
