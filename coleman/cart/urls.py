"""URLs of the cart, mounted at ``/cart/`` by the project."""

from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("", views.CartDetailView.as_view(), name="detail"),
    path("add/<int:product_id>/", views.AddItemView.as_view(), name="add-item"),
    path("remove/<str:item_id>/", views.RemoveItemView.as_view(), name="remove-item"),
    path("update/", views.UpdateCartView.as_view(), name="update"),
    path("voucher/", views.ApplyVoucherView.as_view(), name="apply-voucher"),
    path("voucher/remove/", views.RemoveVoucherView.as_view(), name="remove-voucher"),
]
