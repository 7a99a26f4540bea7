"""axe-core finds no WCAG 2.2 AA violation on any shopper page (desktop and phone widths) nor on
the main admin pages.

The store is :mod:`tests.e2e.shopper_site`'s (a logged-in customer with a cart, an order, a
rated product); the admin is seen by a superuser.
"""

import pytest

from coleman.orders.models import Order
from tests.e2e.axe import axe_violations
from tests.e2e.shopper_site import VISITOR_PAGES, build_shop, open_as_customer, shopper_pages
from tests.helpers import log_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_all(page, live_server, pages):
    """Open each page, run axe on it, and return every violation prefixed by the page's name."""
    found = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        found += [f"{name}: {violation}" for violation in axe_violations(page)]
    return found


@pytest.mark.parametrize("width", [1280, 390])
def test_customer_pages_have_no_violations(live_server, page, width):
    """Every page a logged-in customer with a cart sees passes axe's WCAG 2.2 AA rules."""
    shop = build_shop()
    page.set_viewport_size({"width": width, "height": 900})
    open_as_customer(page, live_server, shop)
    violations = check_all(page, live_server, shopper_pages(shop))
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("width", [1280, 390])
def test_visitor_pages_have_no_violations(live_server, page, width):
    """The pages of a visitor who is not logged in pass axe's WCAG 2.2 AA rules."""
    build_shop()
    page.set_viewport_size({"width": width, "height": 900})
    violations = check_all(page, live_server, VISITOR_PAGES)
    assert not violations, "\n".join(violations)


def test_admin_pages_have_no_violations(live_server, page, django_user_model):
    """The admin's index, product list and form, order list and form pass axe's WCAG 2.2 AA rules."""
    shop = build_shop()
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    log_in_browser(page.context, live_server, boss)
    page.set_viewport_size({"width": 1280, "height": 900})
    order = Order.objects.get()
    pages = {
        "admin index": "/admin/",
        "product list": "/admin/products/product/",
        "product form": f"/admin/products/product/{shop.product.pk}/change/",
        "order list": "/admin/orders/order/",
        "order form": f"/admin/orders/order/{order.pk}/change/",
    }
    violations = check_all(page, live_server, pages)
    assert not violations, "\n".join(violations)


def test_open_search_suggestions_have_no_violations(live_server, page):
    """The search box's open list of suggestions passes axe's WCAG 2.2 AA rules (its options
    hold no links or buttons of their own)."""
    build_shop()
    page.goto(live_server.url + "/")
    page.get_by_role("combobox", name="Search products").press_sequentially("cranb", delay=40)
    page.get_by_role("option", name="Cranberry Scented Candle").wait_for()
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)
