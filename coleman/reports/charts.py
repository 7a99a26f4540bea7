"""The report charts, drawn with ReportLab's graphics (book ch. 7): the sales line chart
(``HorizontalLineChart``) and the category pie (``Pie`` with one slice popped out).

A chart is a ``Drawing``: the same object goes into a PDF as a flowable, becomes inline SVG
for the reports page (``renderSVG``) and a PNG for email (``renderPM``). Amounts are
``Decimal`` everywhere else; here they become floats only as coordinates of the drawing.
"""

import re
from decimal import Decimal

from reportlab.graphics import renderPM, renderSVG
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from coleman.conf import coleman_settings

PALETTE = [
    colors.HexColor(code)
    for code in ("#9b1b30", "#d9534f", "#f0ad4e", "#5b8c5a", "#2e6f95", "#7b5ea7", "#c47f3a", "#4a4a4a")
]
LINE_COLOR = colors.HexColor("#9b1b30")
POPOUT = 10
MAX_SLICES = 7


def money_label(value) -> str:
    """An axis or slice label in the store's currency, whole units: ``$1,250``."""
    return f"{coleman_settings.CURRENCY_SYMBOL}{Decimal(value):,.0f}"


def sales_line_chart(months, width=460, height=220) -> Drawing:
    """Revenue per month as the book's ``HorizontalLineChart``; ``months`` are
    :class:`~coleman.reports.figures.MonthSales`."""
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 60, 40
    chart.width, chart.height = width - 80, height - 70
    chart.data = [tuple(float(month.revenue) for month in months) or (0.0,)]
    chart.categoryAxis.categoryNames = [month.label for month in months] or ["—"]
    chart.categoryAxis.labels.angle = 30 if len(months) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 6 else "n"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = money_label
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = LINE_COLOR
    chart.lines[0].strokeWidth = 2
    chart.joinedLines = 1
    drawing.add(chart, name="chart")
    drawing.add(String(width / 2, height - 14, "Sales by month", textAnchor="middle", fontSize=11))
    return drawing


def pie_slices(categories):
    """The largest categories and, past :data:`MAX_SLICES`, one "Other" slice: ``(label, revenue)``."""
    slices = [(category.label, category.revenue) for category in categories if category.revenue > 0]
    if len(slices) > MAX_SLICES:
        rest = sum((revenue for _label, revenue in slices[MAX_SLICES - 1 :]), Decimal(0))
        slices = [*slices[: MAX_SLICES - 1], ("Other categories", rest)]
    return slices


def category_pie_chart(categories, breakout="largest", width=560, height=240) -> Drawing:
    """Revenue per category as the book's ``Pie``, the largest slice (or with
    ``breakout="smallest"`` the smallest) popped out."""
    drawing = Drawing(width, height)
    drawing.add(String(width / 2, height - 14, "Sales by category", textAnchor="middle", fontSize=11))
    slices = pie_slices(categories)
    if not slices:
        drawing.add(String(width / 2, height / 2, "No sales in this period", textAnchor="middle", fontSize=10))
        return drawing
    total = sum((revenue for _label, revenue in slices), Decimal(0))
    pie = Pie()
    pie.width = pie.height = min(height - 60, 160)
    pie.x, pie.y = (width - pie.width) / 2, 25  # centred: the side labels need room on both sides
    pie.data = [float(revenue) for _label, revenue in slices]
    pie.labels = [f"{label}: {money_label(revenue)} ({revenue * 100 / total:.0f}%)" for label, revenue in slices]
    pie.simpleLabels = 0
    pie.slices.fontSize = 7
    pie.slices.strokeColor = colors.white
    pie.sideLabels = 1
    for index in range(len(slices)):
        pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
    revenues = [revenue for _label, revenue in slices]
    popped = revenues.index(min(revenues) if breakout == "smallest" else max(revenues))
    pie.slices[popped].popout = POPOUT
    drawing.add(pie, name="chart")
    return drawing


SVG_START = re.compile(r"<svg\b")


def to_svg(drawing: Drawing, title: str) -> str:
    """The drawing as an inline ``<svg>`` element (no XML prolog) labelled ``title``."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg") :]
    return SVG_START.sub(f'<svg role="img" aria-label="{_attr(title)}"', svg, count=1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def to_png(drawing: Drawing, dpi: int = 96) -> bytes:
    """The drawing as PNG bytes (``renderPM``, through cairo)."""
    return renderPM.drawToString(drawing, fmt="PNG", dpi=dpi)
