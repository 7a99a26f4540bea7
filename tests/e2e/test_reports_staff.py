"""Real-browser journey of the staff reports: log in, open /reports/, change the period, see
the chart change, download the PDF."""

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.factories.users import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sales(db):
    """A paid order about 70 days ago and one today; a staff member."""
    jam = ProductFactory(name="Bog Jam", price=Decimal("5.00"))
    for days_ago, quantity in [(70, 2), (0, 3)]:
        order = OrderFactory(status_id="PAID", placed_at=timezone.now() - timedelta(days=days_ago))
        LineFactory(order=order, product=jam, quantity=quantity, line_total=jam.price * quantity)
    UserFactory(username="manager", is_staff=True, is_superuser=True)
    return timezone.now() - timedelta(days=70)


def test_staff_change_the_period_and_download_the_pdf(page, live_server, sales):
    """The manager logs in through the admin, opens the reports, switches to "This month":
    the line chart loses the older month and the revenue changes; the sales PDF downloads
    with this month's figure."""
    older_month = f"{sales:%b %Y}"
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    line_chart = page.locator('[data-chart="sales-by-month"] svg')
    expect(line_chart).to_contain_text(older_month)
    expect(page.locator("[data-revenue]")).to_have_text("$25.00")

    page.get_by_label("Period", exact=True).select_option(label="This month")
    page.get_by_role("button", name="Show report").click()
    expect(page).to_have_url(re.compile(r"/reports/\?period=this-month"))
    expect(line_chart).not_to_contain_text(older_month)
    expect(page.locator("[data-revenue]")).to_have_text("$15.00")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Sales report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("sales-") and download.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.path(), "rb").read())).pages)
    assert "Revenue in the period: $15.00" in text
