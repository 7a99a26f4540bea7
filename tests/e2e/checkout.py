"""Steps the payment journeys share: the gateways on the live server, and the cart to "Place order"."""

from playwright.sync_api import expect


def point_gateways_at(live_server, settings):
    """Point the store's server-to-server gateway endpoints at the live server's sandbox.

    The test settings aim them at http://testserver/, which only the suite's test-client
    transport adapter answers; a browser journey runs on a real server, so the store and the
    sandbox call each other over real HTTP on it (pytest-django's live server is threaded).
    The pages the browser opens are relative to the site already.
    """
    sandbox = f"{live_server.url}/sandbox/"
    settings.COLEMAN_GOOGLE_API_BASE = f"{sandbox}google/api/checkout/v2/"
    settings.COLEMAN_AMAZON_FPS_ENDPOINT = f"{sandbox}amazon/fps/"
    settings.COLEMAN_PAYPAL_NVP_ENDPOINT = f"{sandbox}paypal/nvp/"
    settings.COLEMAN_PAYPAL_IPN_POSTBACK_URL = f"{sandbox}paypal/ipn-verify/"
    settings.COLEMAN_STRIPE_API_BASE = f"{sandbox}stripe"


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
