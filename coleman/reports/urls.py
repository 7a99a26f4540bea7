"""URLs of the staff reports (mounted at ``/reports/`` by the project)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportsIndexView.as_view(), name="index"),
    path("charts/<slug:name>.<slug:extension>", views.ChartView.as_view(), name="chart"),
    path("<slug:name>.pdf", views.PdfReportView.as_view(), name="pdf"),
    path("<slug:name>.csv", views.CsvReportView.as_view(), name="csv"),
]
