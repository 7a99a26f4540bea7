"""URLs of the digital app (the project mounts them at ``/downloads/``)."""

from django.urls import path

from . import views

app_name = "digital"

urlpatterns = [
    path("", views.DownloadListView.as_view(), name="list"),
    path("members/", views.MembersView.as_view(), name="members"),
    path("file/<str:token>/", views.SignedFileView.as_view(), name="file"),
    path("order/<str:token>/", views.GuestAccessView.as_view(), name="guest-access"),
    path("claim/<uuid:token>/", views.ClaimSubscriptionView.as_view(), name="claim"),
    path("<uuid:token>/<int:asset_id>/", views.DownloadView.as_view(), name="download"),
]
