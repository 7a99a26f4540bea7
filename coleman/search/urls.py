"""Search URLs (mounted at ``/search/`` by the project)."""

from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.SearchView.as_view(), name="results"),
    path("autocomplete/", views.AutocompleteView.as_view(), name="autocomplete"),
]
