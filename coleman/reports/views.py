"""Staff report pages: figures first, charts as inline SVG, downloads as PDF, CSV and PNG.

Every view reads the scope from the URL (:class:`~.periods.ReportScopeForm`); bad
parameters get a 400 page saying what is wrong. Only active staff get in: anonymous visitors
are sent to the admin login, other users get 403.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from coleman.conf import coleman_settings

from . import charts, figures
from .periods import ReportScopeForm
from .reports import CSV_REPORTS, PDF_REPORTS, csv_lines


class BadReportRequest(Exception):
    """The report parameters are invalid; the message says why."""


class StaffReportMixin:
    """Staff only; the scope of the report from the query string."""

    def dispatch(self, request, *args, **kwargs):
        """Send anonymous visitors to log in; refuse users who are not active staff."""
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("Reports are for staff.")
        self.form = ReportScopeForm(request.GET or None)
        if request.GET and not self.form.is_valid():
            return self.bad_request(self.form.error_text())
        self.scope = (self.form if request.GET else _default_form()).scope()
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadReportRequest as exc:
            return self.bad_request(str(exc))

    def bad_request(self, message):
        """A 400 page with the reason and a way back."""
        return render(
            self.request,
            "reports/problem.html",
            {"message": message, "form": self.form},
            status=400,
        )

    def filename(self, name, extension):
        """``sales-2026-01-01-2026-03-31.pdf``."""
        return f"{name}-{self.scope.start:%Y-%m-%d}-{self.scope.end:%Y-%m-%d}.{extension}"


def _default_form():
    form = ReportScopeForm({})
    form.is_valid()
    return form


def build_charts(scope, sales=None):
    """The two charts of a scope: ``{"sales-by-month": Drawing, "sales-by-category": Drawing}``."""
    sales = sales or figures.sales_figures(scope)
    return {
        "sales-by-month": charts.sales_line_chart(sales.months),
        "sales-by-category": charts.category_pie_chart(sales.categories, breakout=scope.breakout),
    }


class ReportsIndexView(StaffReportMixin, TemplateView):
    """``/reports/``: choose period and catalog, see the figures and charts, download."""

    template_name = "reports/index.html"

    def get_context_data(self, **kwargs):
        """Figures, inline charts and download links of the scope."""
        scope = self.scope
        sales = figures.sales_figures(scope)
        drawings = build_charts(scope, sales)
        rows = coleman_settings.REPORTS_INVENTORY_PAGE_ROWS
        query = scope.query_string()
        return {
            **super().get_context_data(**kwargs),
            "form": self.form if self.request.GET else ReportScopeForm(initial={"period": scope.period}),
            "scope": scope,
            "months": sales.months,
            "revenue": sum((month.revenue for month in sales.months), figures.ZERO),
            "categories": sales.categories,
            "top_products": sales.top,
            "statuses": figures.order_statuses(scope),
            "inventory": list(figures.inventory(scope)[:rows]),
            "inventory_totals": figures.inventory_totals(scope),
            "inventory_rows": rows,
            "line_svg": charts.to_svg(drawings["sales-by-month"], "Sales by month, line chart"),
            "pie_svg": charts.to_svg(drawings["sales-by-category"], "Sales by category, pie chart"),
            "query": query,
            "pdf_reports": [(name, title) for name, (title, _writer) in PDF_REPORTS.items()],
            "csv_reports": [(name, title) for name, (title, _rows) in CSV_REPORTS.items()],
        }


class ChartView(StaffReportMixin, View):
    """``/reports/charts/<chart>.<png|svg>``: one chart as an image."""

    formats = {"png": "image/png", "svg": "image/svg+xml"}

    def get(self, request, name, extension):
        """The chart drawn for the scope."""
        if extension not in self.formats:
            raise Http404(f"Charts come as {' or '.join(self.formats)}.")
        drawings = build_charts(self.scope)
        if name not in drawings:
            raise Http404("No such chart.")
        drawing = drawings[name]
        if extension == "png":
            body = charts.to_png(drawing)
        else:
            body = '<?xml version="1.0" encoding="UTF-8"?>\n' + charts.to_svg(drawing, name.replace("-", " "))
        response = HttpResponse(body, content_type=self.formats[extension])
        response["Content-Disposition"] = f'inline; filename="{self.filename(name, extension)}"'
        return response


class PdfReportView(StaffReportMixin, View):
    """``/reports/<report>.pdf``: a PDF written straight into the response."""

    def get(self, request, name):
        """The named PDF report of the scope, as a download."""
        if name not in PDF_REPORTS:
            raise Http404("No such report.")
        _title, write = PDF_REPORTS[name]
        response = HttpResponse(content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(name, "pdf")}"'
        write(response, self.scope)
        return response


class CsvReportView(StaffReportMixin, View):
    """``/reports/<report>.csv``: a CSV download, streamed row by row."""

    def get(self, request, name):
        """The named CSV report of the scope."""
        if name not in CSV_REPORTS:
            raise Http404("No such report.")
        _title, rows = CSV_REPORTS[name]
        response = StreamingHttpResponse(csv_lines(rows(self.scope)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(name, "csv")}"'
        return response
