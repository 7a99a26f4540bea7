"""URLs of the ratings app (mounted at ``/ratings/`` by the project)."""

from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    # Segments are plain strings so that bad values reach the views and get a clear message.
    path("reviews/<str:model>/<str:object_id>/", views.ReviewView.as_view(), name="review"),
    path("<str:model>/<str:object_id>/<str:rating>/", views.RateView.as_view(), name="rate"),
]
