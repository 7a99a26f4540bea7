"""URLs of the display currencies, mounted at ``/currency/`` by the project."""

from django.urls import path

from . import views

app_name = "currencies"

urlpatterns = [path("", views.ChooseCurrencyView.as_view(), name="choose")]
