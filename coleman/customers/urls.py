"""URLs of the customers app, mounted by the project at ``/accounts/``."""

from django.urls import path
from django.views.generic import RedirectView, TemplateView

from . import views

app_name = "customers"

urlpatterns = [
    path("register/", views.RegistrationView.as_view(), name="register"),
    path(
        "register/complete/",
        views.RegistrationCompleteView.as_view(),
        name="registration-complete",
    ),
    path(
        "register/closed/",
        TemplateView.as_view(template_name="customers/registration_closed.html"),
        name="registration-closed",
    ),
    path("activate/", views.ActivationView.as_view(), name="activate"),
    path("activate/resend/", views.ResendActivationView.as_view(), name="activation-resend"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/done/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("", RedirectView.as_view(pattern_name="customers:profile"), name="home"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/edit/", views.ProfileUpdateView.as_view(), name="profile-edit"),
    path("addresses/", views.AddressListView.as_view(), name="address-list"),
    path("addresses/add/", views.AddressCreateView.as_view(), name="address-add"),
    path("addresses/<int:pk>/edit/", views.AddressUpdateView.as_view(), name="address-edit"),
    path("addresses/<int:pk>/delete/", views.AddressDeleteView.as_view(), name="address-delete"),
    path("addresses/<int:pk>/default/", views.AddressMakeDefaultView.as_view(), name="address-default"),
]
