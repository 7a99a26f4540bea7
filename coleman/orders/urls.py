"""URLs of the orders app, mounted at the site root by the project."""

from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.CheckoutView.as_view(), name="checkout"),
    path("orders/", views.OrderListView.as_view(), name="list"),
    path("orders/lookup/", views.OrderLookupView.as_view(), name="lookup"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="detail"),
    path("orders/<str:number>/feedback/", views.OrderFeedbackView.as_view(), name="feedback"),
]
