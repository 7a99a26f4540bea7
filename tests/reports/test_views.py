"""The /reports/ pages: staff only, figures and inline charts, PDF, CSV and PNG downloads
checked against the database, and clear 4xx answers to bad input."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from tests.factories.users import UserFactory

from .conftest import PERIOD

pytestmark = pytest.mark.django_db


def pdf_text(content):
    """All text of a PDF and its reader."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def csv_rows(response):
    """A streamed CSV download as rows."""
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    """Every report URL sends anonymous visitors to the admin login, coming back after."""
    for url in ["/reports/", "/reports/sales.pdf", "/reports/inventory.csv", "/reports/charts/sales-by-month.png"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=/reports/")


def test_customers_are_forbidden(client, db):
    """A logged-in customer who is not staff gets 403."""
    client.force_login(UserFactory())
    for url in ["/reports/", "/reports/sales.pdf", "/reports/sales-by-month.csv"]:
        assert client.get(url).status_code == 403


def test_index_shows_figures_and_inline_svg_charts(staff, sales):
    """The page shows the period's revenue, the monthly and category tables and two inline
    SVG charts (no script needed), with download links carrying the same parameters."""
    response = staff.get(f"/reports/?{PERIOD}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong data-revenue>$34.97</strong>" in page
    assert page.count("<svg") == 2 and 'aria-label="Sales by month, line chart"' in page
    svg = re.search(r'<div class="chart" data-chart="sales-by-category">(.*?)</div>', page, re.S)[1]
    tree = etree.fromstring(svg.encode())
    texts = "".join(tree.itertext())
    assert "Candles (Fall Collection): $14 (40%)" in texts
    assert "Jan 2026" in page and "$23.00" in page
    assert f'href="/reports/sales.pdf?{PERIOD.replace("&", "&amp;")}"' in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_changing_the_period_changes_the_chart(staff, sales):
    """Another period draws another line chart."""
    q1 = staff.get(f"/reports/?{PERIOD}").content.decode()
    january = staff.get("/reports/?period=custom&start=2026-01-01&end=2026-01-31").content.decode()
    chart = re.compile(r'data-chart="sales-by-month">(.*?)</div>', re.S)
    assert chart.search(q1)[1] != chart.search(january)[1]
    assert "Feb 2026" in chart.search(q1)[1] and "Feb 2026" not in chart.search(january)[1]


@pytest.mark.parametrize(
    "query",
    [
        "period=custom&start=2026-13-01&end=2026-12-01",
        "period=custom&start=2026-03-01&end=2026-01-01",
        "period=never",
        "catalog=%00",
        "catalog=gone",
        "start=2026-01-01&end=x%00",
    ],
)
def test_bad_parameters_are_400_everywhere(staff, sales, query):
    """Bad dates, reversed ranges, unknown periods and catalogs are a 400 page with the reason,
    for the page and every download (SQLite and PostgreSQL alike: NUL is refused first)."""
    for url in ["/reports/", "/reports/sales.pdf", "/reports/inventory.csv", "/reports/charts/sales-by-month.png"]:
        response = staff.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        # a NUL is refused by the store's guard (its 400 page) before the report's form sees it
        assert ('role="alert"' if "%00" not in query else "not allowed") in response.content.decode()


def test_unknown_reports_and_formats_are_404(staff, sales):
    """Unknown reports, charts or formats answer 404."""
    for url in [
        "/reports/profits.pdf",
        "/reports/sales.docx",
        "/reports/nope.csv",
        "/reports/charts/sales-by-month.gif",
    ]:
        assert staff.get(url).status_code == 404, url
    assert staff.get("/reports/charts/radar.png").status_code == 404


def test_sales_pdf_text_and_chart_data_match_the_database(staff, sales):
    """The sales PDF is a download with metadata; every page shows the store, the period and
    its number; the monthly table, the pie labels and the top products carry the figures."""
    response = staff.get(f"/reports/sales.pdf?{PERIOD}")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="sales-2026-01-01-2026-03-31.pdf"'
    text, reader = pdf_text(response.content)
    assert reader.metadata.title == "CranStore: Sales report"
    assert reader.metadata.author == "CranStore"
    assert reader.metadata.subject == "Sales report, 1 Jan 2026 – 31 Mar 2026, all catalogs"
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert "CranStore" in page_text and "1 Jan 2026 – 31 Mar 2026" in page_text and f"Page {number}" in page_text
    assert "Revenue in the period: $34.97" in text
    compact = " ".join(text.split())
    assert "Jan 2026 $23.00 3 1" in compact and "Feb 2026 $11.97 3 1" in compact and "Mar 2026 $0.00 0 0" in compact
    # The pie's slice labels are drawn text: the chart data is in the PDF.
    assert "Candles (Fall Collection): $14 (40%)" in compact
    assert "Drinks (Standard Collection): $12 (34%)" in compact
    assert "Food (Fall Collection): $9 (26%)" in compact
    assert "Cranberry Scented Candle $14.00 1" in compact
    assert "Payment Received 1 $28.00" in compact


def test_inventory_pdf_lists_every_product_in_the_book_table(staff, store):
    """The inventory PDF lists each product with category, price, stock and the active flag."""
    text, reader = pdf_text(staff.get("/reports/inventory.pdf").content)
    compact = " ".join(text.split())
    assert "Product Name Category Price Stock Active" in compact
    assert "Bog Mouse Pad Fall Collection / Gifts $9.99 not tracked no" in compact
    assert "Cranberry Preserves Fall Collection / Food $4.50 not tracked yes" in compact
    assert "5 products, 4 active, 0 out of stock" in compact
    assert reader.metadata.title == "CranStore: Product inventory"


def test_inventory_pdf_is_capped_and_says_so(staff, store, settings):
    """Past COLEMAN_REPORTS_INVENTORY_PDF_ROWS the PDF lists the first rows and points to the CSV."""
    settings.COLEMAN_REPORTS_INVENTORY_PDF_ROWS = 2
    text, _reader = pdf_text(staff.get("/reports/inventory.pdf").content)
    assert "The first 2 of 5 products; the CSV download lists all." in " ".join(text.split())


def test_deals_flyer_lists_new_and_featured_products(staff, store):
    """The flyer (BaseDocTemplate with a cover and two-column pages) lists the active products
    new this week or featured, with prices, and sets its metadata."""
    text, reader = pdf_text(staff.get("/reports/deals.pdf").content)
    assert reader.metadata.title == "CranStore: deals of the week"
    assert "CranStore deals" in text and "Week of" in text
    for name in ["Cranberry Preserves", "Cranberry Juice", "Cranberry Scented Candle", "Harvest T-shirt"]:
        assert name in text
    assert "Bog Mouse Pad" not in text
    assert "$14.00" in text


def test_csv_downloads_match_the_figures(staff, sales, store):
    """CSV files parse and carry the same numbers as the page and PDF."""
    assert csv_rows(staff.get(f"/reports/sales-by-month.csv?{PERIOD}")) == [
        ["month", "revenue", "units", "orders"],
        ["2026-01", "23.00", "3", "1"],
        ["2026-02", "11.97", "3", "1"],
        ["2026-03", "0.00", "0", "0"],
    ]
    categories = csv_rows(staff.get(f"/reports/sales-by-category.csv?{PERIOD}&catalog=fall-collection"))
    assert categories[1:] == [["Fall Collection", "Candles", "14.00", "1"], ["Fall Collection", "Food", "9.00", "2"]]
    statuses = {row[0]: row for row in csv_rows(staff.get(f"/reports/order-statuses.csv?{PERIOD}"))[1:]}
    assert statuses["SHIPPED"] == ["SHIPPED", "Shipped", "1", "16.97", "0.00", "0.00"]  # no discount, no tax
    inventory = csv_rows(staff.get("/reports/inventory.csv"))
    assert len(inventory) == 6 and inventory[0][0] == "product"
    assert sum(Decimal(row[4]) for row in inventory[1:]) == Decimal("4.50") + 14 + 18 + Decimal("9.99") + Decimal(
        "3.99"
    )
    top = csv_rows(staff.get(f"/reports/top-products.csv?{PERIOD}"))
    assert top[1] == ["cranberry-scented-candle", "Cranberry Scented Candle", "14.00", "1"]
    deals = csv_rows(staff.get("/reports/deals.csv"))
    assert {row[0] for row in deals[1:]} == {
        "cranberry-preserves",
        "cranberry-juice",
        "cranberry-scented-candle",
        "harvest-t-shirt",
    }


def test_csv_cells_cannot_become_spreadsheet_formulas(staff, store):
    """A product name starting with = is written with a leading quote."""
    store.juice.name = "=HYPERLINK(1)"
    store.juice.save()
    rows = csv_rows(staff.get("/reports/inventory.csv"))
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]


def test_png_charts(staff, sales):
    """Charts come as PNG (renderPM) for email and embedding, and as standalone SVG."""
    response = staff.get(f"/reports/charts/sales-by-category.png?{PERIOD}&breakout=smallest")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size[0] > 300
    svg = staff.get(f"/reports/charts/sales-by-month.svg?{PERIOD}")
    assert svg["Content-Type"] == "image/svg+xml"
    assert etree.fromstring(svg.content).tag.endswith("svg")


def test_admin_index_links_to_the_reports(staff_client):
    """Staff see a link to /reports/ on the admin index."""
    page = staff_client.get("/admin/").content.decode()
    assert 'href="/reports/"' in page


def test_report_page_queries_do_not_grow_with_orders(staff, sales, store, django_assert_max_num_queries):
    """The page runs a bounded number of queries whatever the number of orders."""
    from .conftest import at, order

    with django_assert_max_num_queries(14) as small:
        staff.get(f"/reports/?{PERIOD}")
    for day in range(1, 30):
        order("PAID", at(2026, 2, day % 28 + 1), (store.preserves, 1))
    with django_assert_max_num_queries(len(small)):
        staff.get(f"/reports/?{PERIOD}")


def test_email_report_command_sends_the_pdf(sales):
    """manage.py email_report sales --period … --to … mails the PDF as an attachment."""
    call_command(
        "email_report",
        "sales",
        "--period",
        "custom",
        "--start",
        "2026-01-01",
        "--end",
        "2026-03-31",
        "--to",
        "staff@example.com",
    )
    message = mail.outbox[-1]
    assert message.to == ["staff@example.com"]
    assert message.subject == "CranStore: Sales report, 1 Jan 2026 – 31 Mar 2026, all catalogs"
    name, content, mimetype = message.attachments[0]
    assert name == "sales-2026-01-01-2026-03-31.pdf" and mimetype == "application/pdf"
    text, _reader = pdf_text(content)
    assert "Revenue in the period: $34.97" in text


def test_email_report_command_refuses_bad_input(db):
    """Bad addresses and periods stop the command with a message; nothing is sent."""
    with pytest.raises(CommandError, match="Not an email address"):
        call_command("email_report", "sales", "--to", "nobody")
    with pytest.raises(CommandError, match="end date is before"):
        call_command(
            "email_report",
            "sales",
            "--period",
            "custom",
            "--start",
            "2026-03-01",
            "--end",
            "2026-01-01",
            "--to",
            "a@b.example",
        )
    assert mail.outbox == []
