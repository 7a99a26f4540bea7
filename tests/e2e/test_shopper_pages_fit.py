"""Every shopper page fits a phone: nothing is wider than the window at 320 and 390 px.

A page that is wider than the window scrolls sideways, and what is past the edge (the cart's
"Remove" button, the end of a tracking number) is easy to miss. The store is the worst case of
:mod:`tests.e2e.shopper_site`: long product names, long unbroken order ids, prices in the
thousands.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.shopper_site import VISITOR_PAGES, build_shop, open_as_customer, shopper_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390)

# Names and widths of what sticks out, for a failure message that says where to look.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && el.getClientRects().length)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`);
}"""


def visit_all(page, live_server, pages, width):
    """Open each page and list those that scroll wider than the window (with what sticks out)."""
    too_wide = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width:
            too_wide.append(f"{name} is {scroll_width}px wide: {page.evaluate(OVERFLOWING)}")
    return too_wide


@pytest.mark.parametrize("width", WIDTHS)
def test_customer_pages_fit_narrow_screens(live_server, page, width):
    """A logged-in customer with two products in the cart sees every page, at 320 and 390 px,
    without sideways scrolling: home, lists, catalog, category, product, search, cart,
    checkout, orders and the account pages."""
    shop = build_shop()
    page.set_viewport_size({"width": width, "height": 800})
    open_as_customer(page, live_server, shop)
    too_wide = visit_all(page, live_server, shopper_pages(shop), width)
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_visitor_pages_fit_narrow_screens(live_server, page, width):
    """The pages of a visitor who is not logged in fit 320 and 390 px too."""
    build_shop()
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = visit_all(page, live_server, VISITOR_PAGES, width)
    assert not too_wide, "\n".join(too_wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_open_category_menu_fits_narrow_screens(live_server, page, width):
    """With every catalog of the header's category menu opened, the page still fits."""
    build_shop()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Shop by category")
    for summary in menu.locator("summary").all():
        summary.click()
    expect(menu.get_by_role("link", name="Gifts")).to_be_visible()
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, page.evaluate(OVERFLOWING)
