"""Real browser: buy the CranStore Cookbook, pay on the Amazon sandbox, download it from the
page the payment returns to, and see the download refused once its limit is reached; buy a
members' subscription and open the members' page it grants."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coleman.digital.models import Download, Entitlement
from ecommerce_book.demo.digital import load_digital_demo
from tests.e2e.checkout import place_guest_order, point_gateways_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def digital_demo(settings, tmp_path):
    """The demo's digital goods on a private folder of this test's own; one download per purchase."""
    settings.COLEMAN_DIGITAL_ROOT = str(tmp_path / "private")
    settings.COLEMAN_DIGITAL_DOWNLOAD_LIMIT = 1
    load_digital_demo()
    return Path(settings.COLEMAN_DIGITAL_ROOT)


def buy_with_amazon(page, live_server, slug):
    """Add the product to the cart, check out as a guest with Amazon and pay on the sandbox."""
    page.goto(f"{live_server.url}/products/{slug}/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    place_guest_order(page, live_server, "Amazon Payments")
    expect(page).to_have_url(re.compile(r"/sandbox/amazon/cbui/\?"))
    page.get_by_role("button", name="Pay with sandbox Amazon").click()
    expect(page.locator(".order-status")).to_have_text("Payment Received")


def test_buy_the_cookbook_and_download_it_from_the_return_page(live_server, page, digital_demo, tmp_path):
    """The return page lists the cookbook with a Download button; the browser saves the PDF;
    the second download is refused (limit 1) with the reason."""
    buy_with_amazon(page, live_server, "cranstore-cookbook")
    downloads = page.get_by_role("region", name="Your downloads")
    expect(downloads.get_by_text("The CranStore Cookbook", exact=True)).to_be_visible()
    expect(downloads.get_by_text("1 of 1 downloads left")).to_be_visible()
    with page.expect_download() as started:
        downloads.get_by_role("button", name="Download The CranStore Cookbook (PDF)").click()
    download = started.value
    assert download.suggested_filename == "cranstore-cookbook.pdf"
    saved = tmp_path / "saved.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and b"(The CranStore Cookbook) Tj" in saved.read_bytes()
    assert Download.objects.count() == 1

    downloads.get_by_role("button", name="Download The CranStore Cookbook (PDF)").click()
    expect(page.get_by_role("heading", name="Download not available")).to_be_visible()
    expect(page.get_by_text("You have used all the downloads of this purchase.")).to_be_visible()
    assert Entitlement.objects.get().downloads_used == 1 and Download.objects.count() == 1


def test_subscribe_and_open_the_members_page(live_server, settings, page, digital_demo, django_user_model):
    """A customer finds the members' page closed, follows it to the Growers' Club, buys it with
    Amazon, sees the subscription on the order page, opens the members' page and sees the
    subscription on their account page."""
    point_gateways_at(live_server, settings)
    django_user_model.objects.create_user("grower", "grower@example.com", "pw-grower-123")
    page.goto(live_server.url + "/accounts/login/?next=/downloads/members/")
    page.get_by_label("Username").fill("grower")
    page.get_by_label("Password").fill("pw-grower-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="This page is for subscribers")).to_be_visible()
    page.get_by_role("link", name="Growers' Club (30 days)").click()

    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    page.goto(live_server.url + "/cart/")
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Amazon Payments", exact=True).check()
    page.get_by_label("Full name").fill("Gail Grower")
    page.get_by_label("Address line 1").fill("3 Bog Lane")
    page.get_by_label("City").fill("Wareham")
    page.get_by_label("State / region").fill("MA")
    page.get_by_label("Postal code").fill("02571")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Place order").click()
    page.get_by_role("button", name="Pay with sandbox Amazon").click()
    expect(page.locator(".order-status")).to_have_text("Payment Received")
    expect(page.get_by_text(re.compile(r"Subscription: runs until"))).to_be_visible()

    page.goto(live_server.url + "/downloads/members/")
    expect(page.get_by_role("heading", name="Members' corner")).to_be_visible()
    page.goto(live_server.url + "/accounts/profile/")
    expect(page.locator(".subscription-list li")).to_contain_text("Growers' Club (30 days) — active until")
