"""URLs of the wishlists app, mounted by the project at ``/accounts/wishlists/``."""

from django.urls import path

from . import views

app_name = "wishlists"

urlpatterns = [
    path("", views.WishlistIndexView.as_view(), name="index"),
    path("new/", views.CreateListView.as_view(), name="create"),
    path("save/", views.SaveProductView.as_view(), name="save"),
    path("<int:pk>/", views.WishlistDetailView.as_view(), name="detail"),
    path("<int:pk>/rename/", views.RenameListView.as_view(), name="rename"),
    path("<int:pk>/delete/", views.DeleteListView.as_view(), name="delete"),
    path("<int:pk>/share/", views.ShareListView.as_view(), name="share"),
    # The token is a plain string so that a bad one reaches the view and gets a clear 404.
    path("shared/<int:pk>/<str:token>/", views.SharedListView.as_view(), name="shared"),
    path("items/<int:pk>/remove/", views.RemoveItemView.as_view(), name="remove-item"),
    path("items/<int:pk>/to-cart/", views.MoveToCartView.as_view(), name="move-to-cart"),
    path("alerts/", views.StockAlertView.as_view(), name="alert"),
    path("alerts/confirm/", views.ConfirmStockAlertView.as_view(), name="alert-confirm"),
]
