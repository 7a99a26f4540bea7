"""URLs of the core app, mounted at the site root by the project."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("healthz", views.HealthView.as_view(), name="healthz"),
]
