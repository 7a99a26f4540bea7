"""Report figures come from database aggregates and match the orders; their queries do not
grow with the number of orders."""

from datetime import UTC, date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coleman.reports import charts, figures
from coleman.reports.periods import ReportScope, ReportScopeForm, period_dates

from .conftest import at, order

pytestmark = pytest.mark.django_db

Q1 = ReportScope(start=date(2026, 1, 1), end=date(2026, 3, 31), period="custom")


def test_sales_by_month_counts_paid_lines_only(sales):
    """Paid, shipped and closed orders count at their sold prices; unpaid and cancelled don't;
    months without sales are zero."""
    months = figures.sales_by_month(Q1)
    assert [(m.label, m.revenue, m.units, m.orders) for m in months] == [
        ("Jan 2026", Decimal("23.00"), 3, 1),
        ("Feb 2026", Decimal("11.97"), 3, 1),
        ("Mar 2026", Decimal("0.00"), 0, 0),
    ]


def test_sales_by_category_and_top_products(sales, store):
    """Categories largest first; top products by revenue."""
    assert [(row.label, row.revenue, row.units) for row in figures.sales_by_category(Q1)] == [
        ("Candles (Fall Collection)", Decimal("14.00"), 1),
        ("Drinks (Standard Collection)", Decimal("11.97"), 3),
        ("Food (Fall Collection)", Decimal("9.00"), 2),
    ]
    top = figures.top_products(Q1)
    assert [(row.sku, row.revenue) for row in top] == [
        ("cranberry-scented-candle", Decimal("14.00")),
        ("cranberry-juice", Decimal("11.97")),
        ("cranberry-preserves", Decimal("9.00")),
    ]


def test_catalog_scope_and_statuses(sales, store):
    """A catalog narrows sales and statuses to orders with its products."""
    fall = ReportScope(start=Q1.start, end=Q1.end, catalog=store.fall, period="custom")
    assert sum(m.revenue for m in figures.sales_by_month(fall)) == Decimal("23.00")
    statuses = {row.status: (row.orders, row.total) for row in figures.order_statuses(Q1)}
    assert statuses == {
        "CANCELLED": (1, Decimal("41.00")),
        "NEW": (1, Decimal("23.00")),
        "PAID": (1, Decimal("28.00")),
        "SHIPPED": (1, Decimal("16.97")),
    }
    assert {row.status for row in figures.order_statuses(fall)} == {"CANCELLED", "NEW", "PAID"}


def test_a_deleted_product_still_counts(sales, store):
    """Lines of a product deleted since keep their revenue, under a category of their own."""
    store.juice.delete()
    labels = [row.label for row in figures.sales_by_category(Q1)]
    assert "Products no longer in the catalog" in labels


def test_report_queries_do_not_grow_with_orders(sales, store):
    """The figures of a report take six queries with 5 or 45 orders: the sales three (lines
    grouped by month, category and product; orders per month; category names), statuses,
    inventory rows and totals one each."""

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            figures.sales_figures(Q1)
            figures.order_statuses(Q1)
            list(figures.inventory(Q1))
            figures.inventory_totals(Q1)
        return len(queries)

    assert count_queries() == 6
    for day in range(1, 41):
        order("PAID", at(2026, 1 + day % 3, 1 + day % 27), (store.preserves, 1), (store.juice, 2))
    assert count_queries() == 6


def test_chart_data_is_the_figures(sales):
    """The line chart plots the monthly revenue; the pie plots the categories and pops out the
    largest slice, or the smallest with breakout=smallest."""
    months = figures.sales_by_month(Q1)
    line = charts.sales_line_chart(months).contents[0]
    assert line.data == [(23.0, 11.97, 0.0)]
    assert line.categoryAxis.categoryNames == ["Jan 2026", "Feb 2026", "Mar 2026"]
    categories = figures.sales_by_category(Q1)
    pie = charts.category_pie_chart(categories).contents[1]
    assert pie.data == [14.0, 11.97, 9.0]
    assert pie.labels[0] == "Candles (Fall Collection): $14 (40%)"
    assert pie.slices[0].popout == charts.POPOUT and not pie.slices[2].popout
    smallest = charts.category_pie_chart(categories, breakout="smallest").contents[1]
    assert smallest.slices[2].popout == charts.POPOUT and not smallest.slices[0].popout


def test_pie_without_sales_says_so():
    """No sales: the drawing says so instead of drawing an empty pie."""
    drawing = charts.category_pie_chart([])
    assert "No sales in this period" in charts.to_svg(drawing, "pie")


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("last-month", date(2026, 3, 15), (date(2026, 2, 1), date(2026, 2, 28))),
        ("last-month", date(2026, 1, 5), (date(2025, 12, 1), date(2025, 12, 31))),
        ("this-month", date(2026, 3, 15), (date(2026, 3, 1), date(2026, 3, 15))),
        ("last-12-months", date(2026, 3, 15), (date(2025, 4, 1), date(2026, 3, 15))),
        ("last-year", date(2026, 3, 15), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_named_periods(name, today, expected):
    """Named periods are whole months (or the year) relative to today."""
    assert period_dates(name, today) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "fortnight"}, "not one of the available choices"),
        ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"}, "Enter a valid date"),
        ({"period": "custom", "start": "2026-03-01", "end": "2026-01-01"}, "end date is before the start"),
        ({"period": "custom", "start": "2026-03-01"}, "needs a start and an end"),
        ({"period": "custom", "start": "1900-01-01", "end": "2026-01-01"}, "at most"),
        ({"catalog": "nope"}, "Choose a catalog"),
        ({"catalog": "a\x00b"}, "Choose a catalog"),
        ({"breakout": "middle"}, "not one of the available choices"),
    ],
)
def test_bad_parameters_are_explained(db, params, message):
    """Each bad parameter is refused with a message that says what is wrong."""
    form = ReportScopeForm(params)
    assert not form.is_valid()
    assert message in form.error_text()


def test_months_follow_the_current_time_zone(store):
    """An order placed at 02:00 UTC on 1 February is a January sale in New York: months are
    those of the current time zone (TruncMonth), not of the stored UTC text."""
    from datetime import datetime

    from django.utils import timezone

    order("PAID", datetime(2026, 2, 1, 2, tzinfo=UTC), (store.preserves, 1))
    scope = ReportScope(start=date(2026, 1, 1), end=date(2026, 2, 28), period="custom")
    assert [m.revenue for m in figures.sales_by_month(scope)] == [Decimal("0.00"), Decimal("4.50")]
    with timezone.override("America/New_York"):
        assert [m.revenue for m in figures.sales_by_month(scope)] == [Decimal("4.50"), Decimal("0.00")]
