"""Real-browser journeys of the star rating tool: with JavaScript, without it, by keyboard.

The customer logs in by a session cookie made with Django's ``Client.force_login`` and put
into the browser (the customers app with its login page is built in parallel).
"""

import re

import pytest
from django.conf import settings
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
    product = ProductFactory(name="Cranberry Relish")
    services.rate(UserFactory(), product, 2)
    return product


@pytest.fixture
def customer(db):
    """The customer who rates in the browser."""
    return UserFactory(username="jesse", first_name="Jesse")


def test_click_fourth_star_updates_average_without_page_load(page, live_server, rated_product, customer):
    """With JavaScript, clicking "Rate 4 stars" saves the rating with fetch and updates the
    average, the count, the stars and a polite status in place; the page is not reloaded."""
    log_in_browser(page.context, live_server, customer)
    fail_on_dialogs(page)
    page.goto(live_server.url + rated_product.get_absolute_url())
    tool = page.locator("[data-rating-tool]")
    expect(tool.locator("[data-rating-average]")).to_have_text("2 out of 5")
    expect(tool.locator("[data-rating-count]")).to_have_text("1 rating")
    page.evaluate("window.__sameDocument = true")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    page.get_by_role("button", name="Rate 4 stars").click()

    status = tool.get_by_role("status")
    expect(status).to_have_text("Thanks! You rated Cranberry Relish 4 stars.")
    expect(tool.locator("[data-rating-average]")).to_have_text("3 out of 5")
    expect(tool.locator("[data-rating-count]")).to_have_text("2 ratings")
    expect(tool.get_by_role("img", name="Rated 3 out of 5")).to_be_visible()
    expect(page.get_by_role("button", name="Rate 4 stars")).to_have_attribute("aria-pressed", "true")
    expect(tool.locator(".rating-star.is-filled")).to_have_count(4)
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    assert Rating.objects.get(user=customer).value == 4


def test_without_javascript_the_click_posts_and_redirects_back(browser, live_server, rated_product, customer):
    """With JavaScript disabled the same click is a normal form post; the server redirects back
    to the product page, which shows the new average and a confirmation."""
    context = browser.new_context(java_script_enabled=False)
    try:
        log_in_browser(context, live_server, customer)
        page = context.new_page()
        product_url = live_server.url + rated_product.get_absolute_url()
        page.goto(product_url)
        with page.expect_navigation():
            page.get_by_role("button", name="Rate 4 stars").click()
        assert page.url == product_url
        expect(page.get_by_text("Thanks! You rated Cranberry Relish 4 stars.")).to_be_visible()
        expect(page.locator("[data-rating-average]")).to_have_text("3 out of 5")
        expect(page.locator("[data-rating-count]")).to_have_text("2 ratings")
        expect(page.get_by_role("button", name="Rate 4 stars")).to_have_attribute("aria-pressed", "true")
        assert Rating.objects.get(user=customer).value == 4
    finally:
        context.close()


def test_keyboard_only_rating(page, live_server, rated_product, customer):
    """A keyboard user tabs to the stars (each focus visible), moves to "Rate 5 stars" and presses
    Enter; the rating is saved and announced."""
    log_in_browser(page.context, live_server, customer)
    fail_on_dialogs(page)
    page.goto(live_server.url + rated_product.get_absolute_url())
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.includes('Rate 1 star')"):
            break
    else:
        pytest.fail("Tab never reached the first star")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    for _ in range(4):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Rate 5 stars" in focused
    page.keyboard.press("Enter")
    status = page.locator("[data-rating-tool]").get_by_role("status")
    expect(status).to_have_text("Thanks! You rated Cranberry Relish 5 stars.")
    expect(page.locator("[data-rating-average]")).to_have_text("3.5 out of 5")
    assert Rating.objects.get(user=customer).value == 5


def test_first_rating_of_an_unrated_product_shows_the_count(page, live_server, customer):
    """On a product nobody rated, the count appears with the first rating (it was hidden)."""
    product = ProductFactory(name="Fresh Jam")
    log_in_browser(page.context, live_server, customer)
    page.goto(live_server.url + product.get_absolute_url())
    expect(page.locator("[data-rating-average]")).to_have_text("Not rated yet")
    expect(page.locator("[data-rating-count]")).to_be_hidden()
    page.get_by_role("button", name="Rate 1 star").click()
    expect(page.locator("[data-rating-average]")).to_have_text("1 out of 5")
    expect(page.locator("[data-rating-count]")).to_have_text("1 rating")
    expect(page.locator("[data-rating-count]")).to_be_visible()


def test_anonymous_click_goes_to_login_and_comes_back(page, live_server, settings, rated_product):
    """An anonymous shopper who clicks a star is sent to the login page with next = the product."""
    settings.LOGIN_URL = "/accounts/login/"
    page.goto(live_server.url + rated_product.get_absolute_url())
    page.get_by_role("button", name="Rate 3 stars").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    assert page.url.endswith(f"next={rated_product.get_absolute_url()}")
    assert not Rating.objects.filter(value=3).exists()


def test_failure_is_shown_inline_never_in_an_alert(page, live_server, rated_product, customer):
    """When saving fails (here the CSRF cookie is gone) the tool says so in its status line."""
    log_in_browser(page.context, live_server, customer)
    fail_on_dialogs(page)
    page.goto(live_server.url + rated_product.get_absolute_url())
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.get_by_role("button", name="Rate 4 stars").click()
    status = page.locator("[data-rating-tool]").get_by_role("status")
    expect(status).to_have_class(re.compile("is-error"))
    expect(status).to_have_text(
        "Sorry, we could not save your rating: your session has expired. Please reload the page and try again."
    )
    expect(page.locator("[data-rating-average]")).to_have_text("2 out of 5")
    assert not Rating.objects.filter(user=customer).exists()
