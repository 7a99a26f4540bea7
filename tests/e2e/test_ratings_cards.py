"""Real-browser journeys of the star links on product cards: with JavaScript and without it.

The customer logs in by a session cookie made with Django's ``Client.force_login`` and put
into the browser, as in ``test_ratings_stars.py``.
"""

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from coleman.ratings import services
from coleman.ratings.models import Rating
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory
from tests.helpers import fail_on_dialogs, log_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rated_product(db):
    """A product already rated 2 stars by another customer."""
    product = ProductFactory(name="Cranberry Preserves")
    services.rate(UserFactory(), product, 2)
    return product


@pytest.fixture
def customer(db):
    """The customer who rates in the browser."""
    return UserFactory(username="jesse", first_name="Jesse")


def card_of(page, product):
    """The product card of ``product`` on a list page."""
    return page.locator(".product-card").filter(has_text=product.name)


def test_card_click_updates_the_average_in_place(page, live_server, rated_product, customer):
    """With JavaScript, clicking a card's "Rate 4 stars" saves the rating with fetch, updates the
    card's stars and average and announces it politely; the page is not reloaded."""
    log_in_browser(page.context, live_server, customer)
    fail_on_dialogs(page)
    page.goto(live_server.url + "/products/")
    card = card_of(page, rated_product)
    expect(card.locator("[data-rating-text]")).to_have_text("2 (1 rating)")
    expect(card.locator(".rating-star.is-filled")).to_have_count(2)
    page.evaluate("window.__sameDocument = true")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    card.get_by_role("link", name="Rate 4 stars").click()

    expect(card.get_by_role("status")).to_have_text("Thanks! You rated Cranberry Preserves 4 stars.")
    expect(card.locator("[data-rating-text]")).to_have_text("3 (2 ratings)")
    expect(card.get_by_role("group", name="Rated 3 out of 5")).to_be_visible()
    expect(card.locator(".rating-star.is-filled")).to_have_count(3)
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    assert Rating.objects.get(user=customer).value == 4


def test_card_focus_is_visible(page, live_server, rated_product):
    """The card's star links are reached with Tab and show their focus."""
    page.goto(live_server.url + "/products/")
    link = card_of(page, rated_product).get_by_role("link", name="Rate 1 star")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.endsWith('Rate 1 star')"):
            break
    else:
        pytest.fail("Tab never reached the first star of the card")
    expect(link).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_without_javascript_the_card_link_goes_through_the_confirmation(browser, live_server, rated_product, customer):
    """With JavaScript disabled the card's link opens the confirmation page; confirming rates
    and comes back to the list, which shows the new average."""
    context = browser.new_context(java_script_enabled=False)
    try:
        log_in_browser(context, live_server, customer)
        page = context.new_page()
        list_url = live_server.url + "/products/"
        page.goto(list_url)
        card_of(page, rated_product).get_by_role("link", name="Rate 4 stars").click()
        expect(page.get_by_role("heading", name="Rate Cranberry Preserves 4 stars?")).to_be_visible()
        assert not Rating.objects.filter(user=customer).exists()
        with page.expect_navigation():
            page.get_by_role("button", name="Rate 4 stars").click()
        assert page.url == list_url
        expect(page.get_by_text("Thanks! You rated Cranberry Preserves 4 stars.")).to_be_visible()
        card = card_of(page, rated_product)
        expect(card.locator("[data-rating-text]")).to_have_text("3 (2 ratings)")
        assert Rating.objects.get(user=customer).value == 4
    finally:
        context.close()


def test_without_a_csrf_cookie_the_script_follows_the_link(page, live_server, settings, rated_product, customer):
    """With JavaScript but no CSRF cookie (cleared here), the click follows the link to the
    confirmation page instead of posting; nothing is rated before the shopper confirms."""
    log_in_browser(page.context, live_server, customer)
    fail_on_dialogs(page)
    page.goto(live_server.url + "/products/")
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    card_of(page, rated_product).get_by_role("link", name="Rate 5 stars").click()
    expect(page.get_by_role("heading", name="Rate Cranberry Preserves 5 stars?")).to_be_visible()
    assert not Rating.objects.filter(user=customer).exists()


def test_anonymous_click_goes_to_log_in_browser(page, live_server, settings, rated_product):
    """An anonymous shopper's click (no token on the cached page) leads to the login page,
    which will come back to the confirmation page."""
    settings.LOGIN_URL = "/accounts/login/"
    page.goto(live_server.url + "/products/")
    card_of(page, rated_product).get_by_role("link", name="Rate 3 stars").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert f"/ratings/products.product/{rated_product.pk}/3/" in unquote(page.url)
    assert not Rating.objects.filter(value=3).exists()
