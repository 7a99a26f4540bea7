"""A shopper's wishlist in a real browser: a guest is asked to log in and comes back to the
product, saves it, finds it on /accounts/wishlists/ and moves it to the cart — with
JavaScript (the save is posted with fetch) and without it (plain form posts)."""

import pytest
from playwright.sync_api import expect

from coleman.wishlists.models import WishlistItem
from tests.factories.products import ProductFactory
from tests.factories.users import PASSWORD, UserFactory
from tests.helpers import fail_on_dialogs, log_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def product(db):
    """The product the shopper wants."""
    return ProductFactory(name="Cranberry Preserves", slug="cranberry-preserves")


@pytest.fixture
def customer(db):
    """The shopper's account."""
    return UserFactory(username="jesse", first_name="Jesse")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_log_in_save_see_it_on_my_wishlists_and_move_it_to_the_cart(
    browser, live_server, product, customer, javascript
):
    """From the product page a guest's "Save to wishlist" leads to the login page, which
    returns to the product; saving then puts it on "My wishlist", the wishlists page lists
    it, and "Move to cart" moves it to the cart."""
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    fail_on_dialogs(page)
    try:
        page.goto(f"{live_server.url}/products/cranberry-preserves/")
        page.get_by_role("button", name="Save to wishlist").click()

        page.get_by_label("Username").fill("jesse")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{live_server.url}/products/cranberry-preserves/")

        page.get_by_role("button", name="Save to wishlist").click()
        saved = "Saved Cranberry Preserves to your wishlist “My wishlist”."
        if javascript:  # said in place, without leaving the page
            expect(page.locator("[data-wishlist-status]")).to_have_text(saved)
        else:
            expect(page.locator(".messages")).to_contain_text(saved)
        assert WishlistItem.objects.filter(wishlist__owner=customer, product=product).exists()

        page.locator(".site-header").get_by_role("link", name="My wishlists").click()
        expect(page.get_by_role("heading", name="My wishlists", level=1)).to_be_visible()
        wishlist = page.get_by_role("region", name="My wishlist")
        expect(wishlist.get_by_role("link", name="Cranberry Preserves")).to_be_visible()

        wishlist.get_by_role("button", name="Move to cart: Cranberry Preserves").click()
        expect(page.locator(".messages")).to_contain_text("Moved Cranberry Preserves from “My wishlist” to your cart.")
        expect(page.get_by_text("No products on this list yet.")).to_be_visible()

        page.goto(f"{live_server.url}/cart/")
        expect(page.get_by_role("link", name="Cranberry Preserves")).to_be_visible()
        assert not WishlistItem.objects.exists()
    finally:
        context.close()


def test_a_card_saves_in_place_with_javascript(page, live_server, product, customer):
    """On a list page a card's "Save to wishlist" (a plain GET form, cached for everyone) is
    posted by the script with the cookie's CSRF token and says so in the card."""
    log_in_browser(page.context, live_server, customer)
    fail_on_dialogs(page)
    page.goto(f"{live_server.url}/products/")
    card = page.locator(".product-card").filter(has_text="Cranberry Preserves")
    card.get_by_role("button", name="Save to wishlist: Cranberry Preserves").click()
    expect(card.locator("[data-wishlist-status]")).to_have_text(
        "Saved Cranberry Preserves to your wishlist “My wishlist”."
    )
    expect(page).to_have_url(f"{live_server.url}/products/")
    assert WishlistItem.objects.filter(wishlist__owner=customer, product=product).exists()
