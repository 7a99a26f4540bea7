"""The reports staff can download, each built from a :class:`~.periods.ReportScope`.

A report knows its figures (database aggregates, :mod:`.figures`), its PDF (:mod:`.pdf`)
and its CSV rows. The views, the ``email_report`` command and the benchmark all go through
:data:`PDF_REPORTS` and :data:`CSV_REPORTS`, so a report looks the same wherever it is made.
"""

import csv
from datetime import datetime, time, timedelta

from django.utils import timezone

from coleman.conf import coleman_settings

from . import figures, pdf
from .periods import ReportScope


def sales_pdf(output, scope: ReportScope) -> None:
    """The sales report: line chart, pie, top products, statuses."""
    sales = figures.sales_figures(scope)
    story = pdf.sales_story(scope, sales.months, sales.categories, sales.top, figures.order_statuses(scope))
    pdf.write_report(output, title="Sales report", scope=scope, story=story)


def inventory_pdf(output, scope: ReportScope) -> None:
    """The product inventory in the book's table (the first ``COLEMAN_REPORTS_INVENTORY_PDF_ROWS``)."""
    limit = coleman_settings.REPORTS_INVENTORY_PDF_ROWS
    rows = list(figures.inventory(scope)[:limit])
    story = pdf.inventory_story(rows, figures.inventory_totals(scope), limit=limit)
    pdf.write_report(output, title="Product inventory", scope=scope, story=story)


def deals_since(today=None):
    """The start of the deals week: midnight six days before ``today``."""
    today = today or timezone.localdate()
    return timezone.make_aware(datetime.combine(today - timedelta(days=6), time.min))


def week_label(today=None) -> str:
    """``Week of 23 Nov 2026``."""
    return f"Week of {deals_since(today):%-d %b %Y}"


def deals_pdf(output, scope: ReportScope) -> None:
    """The deals flyer: products new this week or featured (the scope's catalog only)."""
    products = figures.deals(deals_since())
    if scope.catalog is not None:
        products = [product for product in products if product.category.catalog_id == scope.catalog.pk]
    pdf.write_flyer(output, week_label=week_label(), products=products)


#: name -> (title, writer) of the PDF downloads.
PDF_REPORTS = {
    "sales": ("Sales report", sales_pdf),
    "inventory": ("Product inventory", inventory_pdf),
    "deals": ("Deals flyer", deals_pdf),
}


def sales_by_month_rows(scope):
    """CSV rows of the monthly sales."""
    yield ["month", "revenue", "units", "orders"]
    for month in figures.sales_by_month(scope):
        yield [month.month.strftime("%Y-%m"), f"{month.revenue:.2f}", month.units, month.orders]


def sales_by_category_rows(scope):
    """CSV rows of the sales per category."""
    yield ["catalog", "category", "revenue", "units"]
    for row in figures.sales_by_category(scope):
        yield [row.catalog, row.category, f"{row.revenue:.2f}", row.units]


def top_products_rows(scope):
    """CSV rows of the best-selling products."""
    yield ["product", "name", "revenue", "units"]
    for row in figures.top_products(scope):
        yield [row.sku, row.name, f"{row.revenue:.2f}", row.units]


def order_statuses_rows(scope):
    """CSV rows of the order statuses."""
    yield ["status", "label", "orders", "total", "discount", "tax"]
    for row in figures.order_statuses(scope):
        yield [row.status, row.label, row.orders, f"{row.total:.2f}", f"{row.discount:.2f}", f"{row.tax:.2f}"]


def inventory_rows(scope):
    """CSV rows of every product of the scope (read in chunks, never all at once)."""
    yield ["product", "name", "catalog", "category", "price", "stock", "active"]
    for row in figures.inventory(scope).iterator(chunk_size=2000):
        stock = "" if row.stock is None else row.stock
        yield [
            row.slug,
            row.name,
            row.category__catalog__name,
            row.category__name,
            f"{row.price:.2f}",
            stock,
            row.is_active,
        ]


def deals_rows(scope):
    """CSV rows of the deals flyer."""
    yield ["product", "name", "catalog", "category", "price", "featured", "added"]
    for product in figures.deals(deals_since()):
        if scope.catalog is None or product.category.catalog_id == scope.catalog.pk:
            category = product.category
            yield [
                product.slug,
                product.name,
                category.catalog.name,
                category.name,
                f"{product.price:.2f}",
                product.is_featured,
                product.created.date().isoformat(),
            ]


#: name -> (title, rows) of the CSV downloads.
CSV_REPORTS = {
    "sales-by-month": ("Sales by month", sales_by_month_rows),
    "sales-by-category": ("Sales by category", sales_by_category_rows),
    "top-products": ("Top products", top_products_rows),
    "order-statuses": ("Orders by status", order_statuses_rows),
    "inventory": ("Product inventory", inventory_rows),
    "deals": ("Deals", deals_rows),
}


class Echo:
    """A file-like object whose ``write`` returns what it is given (for streaming CSV)."""

    def write(self, value):
        """Hand ``value`` back to the caller."""
        return value


def csv_lines(rows):
    """Encode ``rows`` as CSV lines one at a time. Cells that a spreadsheet would run as a
    formula (starting with = + - @) are prefixed with a quote."""
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([_safe_cell(cell) for cell in row])


def _safe_cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
