"""URLs of the staff reports (mounted at ``/reports/`` by the project)."""

app_name = "reports"

urlpatterns = []
