"""URLs of the orders app, mounted at the site root by the project.

``/checkout/`` is not here: the payments app owns it (``payments:choose``).
"""

from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="list"),
    path("orders/lookup/", views.OrderLookupView.as_view(), name="lookup"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="detail"),
    path("orders/<str:number>/feedback/", views.OrderFeedbackView.as_view(), name="feedback"),
]
