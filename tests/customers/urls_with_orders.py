"""A URLconf with a stand-in ``orders:list`` to render the header as if orders were installed."""

from django.http import HttpResponse
from django.urls import include, path

orders_patterns = ([path("orders/", lambda request: HttpResponse("orders"), name="list")], "orders")

urlpatterns = [
    path("accounts/", include("coleman.customers.urls")),
    path("", include(orders_patterns)),
    path("", include("coleman.products.urls")),
]
