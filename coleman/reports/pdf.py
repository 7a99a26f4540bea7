"""PDF reports made with PLATYPUS (book ch. 7), written straight into the response.

:class:`ReportDocTemplate` is a ``BaseDocTemplate`` whose page template prints the store's
name, the report's title and period on top of every page and the page number at the foot;
the PDF's title, author and subject are set. :class:`FlyerDocTemplate`, the book's "product
deals flyer", has two page templates: a cover page with a banner and then pages of two
columns.
"""

from decimal import Decimal

from django.utils.html import escape
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from coleman.conf import coleman_settings
from coleman.core.templatetags.coleman import currency

from . import charts
from .periods import ReportScope

STYLES = getSampleStyleSheet()
MARGIN = 0.75 * inch

#: The book's inventory table style: a black grid, a red line under the header row and a
#: pink header background.
BOOK_TABLE_STYLE = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("LINEBELOW", (0, 0), (-1, 0), 2, colors.red),
    ("BACKGROUND", (0, 0), (-1, 0), colors.pink),
    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
    ("FONTSIZE", (0, 0), (-1, -1), 8),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def book_table(headings, rows, *, col_widths=None, right_align_from=None) -> Table:
    """A table in the book's style whose header row repeats on every page."""
    table = Table([list(headings), *rows], colWidths=col_widths, repeatRows=1)
    style = list(BOOK_TABLE_STYLE)
    if right_align_from is not None:
        style.append(("ALIGN", (right_align_from, 1), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


class ReportDocTemplate(BaseDocTemplate):
    """A report: one frame per page, with the store, title and period on every page."""

    def __init__(self, output, *, title: str, scope_label: str, **kwargs):
        super().__init__(
            output,
            pagesize=letter,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 0.3 * inch,
            bottomMargin=MARGIN,
            title=f"{coleman_settings.STORE_NAME}: {title}",
            author=coleman_settings.STORE_NAME,
            subject=f"{title}, {scope_label}",
            creator="Coleman reports (ReportLab)",
            **kwargs,
        )
        self.report_title = title
        self.scope_label = scope_label
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="report", frames=[frame], onPage=self.decorate_page)])

    def decorate_page(self, canvas, doc):
        """Header (store, title, period) and footer (page number) of every page."""
        canvas.saveState()
        width, height = self.pagesize
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(self.leftMargin, height - MARGIN + 4, coleman_settings.STORE_NAME)
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(
            width - self.rightMargin, height - MARGIN + 4, f"{self.report_title} · {self.scope_label}"
        )
        canvas.setStrokeColor(colors.grey)
        canvas.line(self.leftMargin, height - MARGIN, width - self.rightMargin, height - MARGIN)
        canvas.drawCentredString(width / 2, MARGIN / 2, f"Page {doc.page}")
        canvas.restoreState()


def _money(value) -> str:
    return currency(value)


# Inventory rows per table: one table per page keeps ReportLab's layout linear (splitting one
# table of thousands of rows is not), and plain-text cells are far cheaper than paragraphs.
INVENTORY_ROWS_PER_TABLE = 40
NAME_CHARS = 48


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def inventory_story(rows, totals, *, limit: int):
    """Flowables of the inventory report: totals, then the book's product table, a page's
    worth of rows per table, each with the header row."""
    story = [
        Paragraph("Product inventory", STYLES["Heading1"]),
        Paragraph(
            f"{totals['products']} products, {totals['active']} active, {totals['out_of_stock']} out of stock, "
            f"{totals['units']} units in tracked stock.",
            STYLES["Normal"],
        ),
        Spacer(1, 0.15 * inch),
    ]
    table_rows = [
        [
            _clip(row.name, NAME_CHARS),
            _clip(f"{row.category__catalog__name} / {row.category__name}", NAME_CHARS - 8),
            _money(row.price),
            "not tracked" if row.stock is None else str(row.stock),
            "yes" if row.is_active else "no",
        ]
        for row in rows[:limit]
    ]
    widths = [2.6 * inch, 2.2 * inch, 0.8 * inch, 0.8 * inch, 0.6 * inch]
    headings = ("Product Name", "Category", "Price", "Stock", "Active")
    for start in range(0, max(len(table_rows), 1), INVENTORY_ROWS_PER_TABLE):
        chunk = table_rows[start : start + INVENTORY_ROWS_PER_TABLE]
        story.append(book_table(headings, chunk, col_widths=widths, right_align_from=2))
    if totals["products"] > limit:
        story += [
            Spacer(1, 0.1 * inch),
            Paragraph(
                f"The first {limit} of {totals['products']} products; the CSV download lists all.", STYLES["Italic"]
            ),
        ]
    return story


def sales_story(scope: ReportScope, months, categories, top, statuses):
    """Flowables of the sales report: the line chart and monthly table, the category pie and
    table, the top products and the order statuses."""
    total = sum((month.revenue for month in months), Decimal("0"))
    story = [
        Paragraph("Sales report", STYLES["Heading1"]),
        Paragraph(f"Revenue in the period: {_money(total)} (paid orders, merchandise only).", STYLES["Normal"]),
        Spacer(1, 0.1 * inch),
        charts.sales_line_chart(months),
        book_table(
            ("Month", "Revenue", "Units", "Orders"),
            [[month.label, _money(month.revenue), str(month.units), str(month.orders)] for month in months],
            right_align_from=1,
        ),
        Spacer(1, 0.2 * inch),
        KeepTogether([charts.category_pie_chart(categories, breakout=scope.breakout)]),
        book_table(
            ("Category", "Revenue", "Units"),
            [
                [Paragraph(escape(row.label), STYLES["BodyText"]), _money(row.revenue), str(row.units)]
                for row in categories
            ],
            col_widths=[3.8 * inch, 1.2 * inch, 0.8 * inch],
            right_align_from=1,
        ),
        Spacer(1, 0.2 * inch),
        Paragraph("Top products", STYLES["Heading2"]),
        book_table(
            ("Product", "Revenue", "Units"),
            [[Paragraph(escape(row.name), STYLES["BodyText"]), _money(row.revenue), str(row.units)] for row in top],
            col_widths=[3.8 * inch, 1.2 * inch, 0.8 * inch],
            right_align_from=1,
        ),
        Spacer(1, 0.2 * inch),
        Paragraph("Orders by status", STYLES["Heading2"]),
        book_table(
            ("Status", "Orders", "Total"),
            [[row.label, str(row.orders), _money(row.total)] for row in statuses],
            right_align_from=1,
        ),
    ]
    return story


def write_report(output, *, title: str, scope: ReportScope, story) -> None:
    """Lay out ``story`` as a report into ``output`` (a response or any file-like object)."""
    ReportDocTemplate(output, title=title, scope_label=scope.label).build(story)


class FlyerDocTemplate(BaseDocTemplate):
    """The deals flyer: a cover page with a banner, then two columns per page."""

    def __init__(self, output, *, week_label: str, **kwargs):
        super().__init__(
            output,
            pagesize=letter,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{coleman_settings.STORE_NAME}: deals of the week",
            author=coleman_settings.STORE_NAME,
            subject=f"New and featured products, {week_label}",
            creator="Coleman reports (ReportLab)",
            **kwargs,
        )
        self.week_label = week_label
        banner = 1.6 * inch
        cover = Frame(self.leftMargin, self.bottomMargin, self.width, self.height - banner, id="cover")
        gap = 0.25 * inch
        column = (self.width - gap) / 2
        left = Frame(self.leftMargin, self.bottomMargin, column, self.height, id="left")
        right = Frame(self.leftMargin + column + gap, self.bottomMargin, column, self.height, id="right")
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover], onPage=self.draw_banner),
                PageTemplate(id="columns", frames=[left, right], onPage=self.draw_footer),
            ]
        )

    def draw_banner(self, canvas, doc):
        """The cover's coloured banner with the store's name and the week."""
        canvas.saveState()
        width, height = self.pagesize
        canvas.setFillColor(colors.HexColor("#9b1b30"))
        canvas.rect(0, height - 1.5 * inch, width, 1.5 * inch, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont("Helvetica-Bold", 28)
        canvas.drawString(self.leftMargin, height - 0.85 * inch, f"{coleman_settings.STORE_NAME} deals")
        canvas.setFont("Helvetica", 12)
        canvas.drawString(self.leftMargin, height - 1.2 * inch, self.week_label)
        canvas.restoreState()
        self.draw_footer(canvas, doc)

    def draw_footer(self, canvas, doc):
        """Page number and the week at the foot of every page."""
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawCentredString(self.pagesize[0] / 2, MARGIN / 2, f"{self.week_label} · Page {doc.page}")
        canvas.restoreState()


def flyer_story(products):
    """The flyer's flowables: an introduction on the cover, then one block per product."""
    story = [
        Paragraph("New this week and staff favourites", STYLES["Title"]),
        Paragraph(f"{len(products)} products, at today's prices.", STYLES["Normal"]),
        NextPageTemplate("columns"),
    ]
    if not products:
        story.append(Paragraph("Nothing new this week: check back soon.", STYLES["Normal"]))
    for product in products:
        block = [
            Paragraph(escape(product.name), STYLES["Heading3"]),
            Paragraph(f"<b>{escape(_money(product.price))}</b> · {escape(product.category.name)}", STYLES["Normal"]),
            Paragraph(escape(product.description[:400]), STYLES["BodyText"]),
            HRFlowable(width="100%", color=colors.lightgrey, spaceBefore=4, spaceAfter=4),
        ]
        story.append(KeepTogether(block))
    return story


def write_flyer(output, *, week_label: str, products) -> None:
    """Lay out the deals flyer into ``output``."""
    FlyerDocTemplate(output, week_label=week_label).build(flyer_story(products))
