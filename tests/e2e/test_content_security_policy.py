"""Real browser: the shopper's pages run under the enforced Content-Security-Policy with no
violation (no inline script, event handler or style attribute is blocked)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coleman.orders.models import Order
from tests.e2e.checkout import place_guest_order, point_gateways_at
from tests.factories.products import CatalogFactory, CategoryFactory, ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Records every securitypolicyviolation event of every page, before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with the CSP violations it reports (events and console messages) collected."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )

    def check(label):
        problems.extend(page.evaluate("window.__cspViolations || []"))
        assert problems == [], f"{label}: {problems}"

    page.check_csp = check
    return page


def test_shopper_pages_have_no_csp_violations(live_server, watched, settings):
    """Home, lists, a product with its stars, search, cart, checkout (with errors), the Google
    hand-off, the order page, order look-up, log in, register, the admin's log-in and the API
    docs: the policy is sent and nothing on them is blocked."""
    settings.COLEMAN_CONTENT_SECURITY_POLICY_MODE = "enforce"
    point_gateways_at(live_server, settings)
    page = watched
    catalog = CatalogFactory(name="Fall Collection", slug="fall-collection")
    category = CategoryFactory(catalog=catalog, name="Food", slug="food")
    jam = ProductFactory(category=category, name="Cranberry Jam", slug="cranberry-jam", price=Decimal("4.50"), stock=9)

    response = page.goto(live_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.check_csp("home")
    for path in ["/products/", "/catalogs/fall-collection/", "/catalogs/fall-collection/food/", "/search/?q=jam"]:
        page.goto(live_server.url + path)
        page.check_csp(path)

    page.goto(live_server.url + jam.get_absolute_url())
    page.check_csp("product")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-summary-count")).to_have_text("1")
    page.goto(live_server.url + "/cart/")
    page.check_csp("cart")

    page.goto(live_server.url + "/checkout/")
    page.get_by_role("button", name="Place order").click()  # nothing filled in: the errors page
    expect(page.locator("main")).to_contain_text("required")
    expect(page.locator("[data-error-summary]")).to_be_focused()  # site.js moved the focus there
    expect(page).to_have_title(re.compile(r"^Error: "))
    page.check_csp("checkout with errors")

    place_guest_order(page, live_server, "Google Checkout")
    order = Order.objects.get()
    expect(page.get_by_role("heading", name=f"Pay for order {order.number}")).to_be_visible()
    page.check_csp("hand-off")
    page.goto(live_server.url + order.get_absolute_url())
    page.check_csp("order page")

    for path in ["/orders/lookup/", "/accounts/login/", "/accounts/register/", "/admin/login/"]:
        page.goto(live_server.url + path)
        page.check_csp(path)
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()  # Swagger UI started
    page.check_csp("API docs")
