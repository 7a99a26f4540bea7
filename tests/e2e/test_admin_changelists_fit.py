"""The product and order lists of the admin fit a 1280 px screen beside their filters.

Staff read stock, availability, totals and tracking numbers at a glance: no column may hide
behind the filter sidebar or need sideways scrolling. The order page shows no empty
"Message" form when an order has no messages.
"""

import re

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from tests.e2e.shopper_site import build_shop
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Headers whose right edge passes the left edge of the filters (or the window), and whether the
# results table scrolls sideways.
CLIPPED = """() => {
  const filter = document.querySelector("#changelist-filter");
  const limit = filter ? filter.getBoundingClientRect().left : window.innerWidth;
  const results = document.querySelector(".results");
  return {
    clipped: [...document.querySelectorAll("#result_list thead th")]
      .filter((th) => th.getBoundingClientRect().right > limit + 1)
      .map((th) => th.textContent.trim()),
    scrolls: results ? results.scrollWidth > results.clientWidth : false,
  };
}"""


@pytest.fixture
def staff_page(live_server, page, django_user_model):
    """A superuser's browser at 1280 px on a store with products and an order."""
    build_shop()
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    log_in_browser(page.context, live_server, boss)
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("/admin/products/product/", ["Name", "Price", "Stock", "Active", "Featured"]),
        ("/admin/orders/order/", ["Number", "Name", "Total", "Tracking number"]),
    ],
)
def test_changelists_fit_beside_the_filters(live_server, staff_page, path, columns):
    """Every column of the list is in view at 1280 px, left of the filter sidebar."""
    staff_page.goto(live_server.url + path)
    headers = staff_page.locator("#result_list thead th")
    texts = [text.strip() for text in headers.all_inner_texts()]
    for column in columns:
        assert any(column.lower() == text.lower() for text in texts), (column, texts)
    assert staff_page.evaluate(CLIPPED) == {"clipped": [], "scrolls": False}


def test_order_page_has_no_empty_message_form(live_server, staff_page):
    """An order without messages shows no empty "Message: #1" block; staff can still add one."""
    order = Order.objects.get()
    staff_page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    messages = staff_page.locator("#feedback-group .inline-related:not(.empty-form)")
    expect(messages).to_have_count(0)
    expect(staff_page.get_by_text("Message: #1")).to_be_hidden()  # only the add button's template
    staff_page.get_by_role("button", name=re.compile("Add another message", re.I)).click()
    expect(messages).to_have_count(1)
