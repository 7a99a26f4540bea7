"""Forms of the customers app: registration, login, profile and address book."""

import unicodedata

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_registration.forms import RegistrationForm

from coleman.core.addresses import ADDRESS_FIELDS, AddressFields
from coleman.core.mail import send_templated_mail

from .models import CustomerAddress, phone_number_validator
from .throttling import login_throttle

UserModel = get_user_model()


def email_in_use(email, *, exclude_user=None):
    """Whether another account already uses ``email`` (case-insensitive, NFKC-normalised)."""
    normalized = unicodedata.normalize("NFKC", email or "").casefold()
    accounts = UserModel._default_manager.filter(**{f"{UserModel.get_email_field_name()}__iexact": normalized})
    if exclude_user is not None:
        accounts = accounts.exclude(pk=exclude_user.pk)
    return accounts.exists()


class CustomerRegistrationForm(RegistrationForm):
    """django-registration's form plus first and last name.

    An email address already in use is *not* reported as an error, which would tell anyone
    which addresses have accounts: the form is valid, ``email_taken`` is set, and the view
    creates no account but emails the address's owner instead.
    """

    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))

    class Meta(RegistrationForm.Meta):
        fields = [UserModel.USERNAME_FIELD, "first_name", "last_name", UserModel.get_email_field_name()]

    email_taken = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, autocomplete in [
            ("first_name", "given-name"),
            ("last_name", "family-name"),
            ("email", "email"),
        ]:
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def clean_email(self):
        """Normalise the address and note (silently) whether it already has an account."""
        email = UserModel.objects.normalize_email(self.cleaned_data["email"])
        self.email_taken = email_in_use(email)
        return email


class ResendActivationForm(forms.Form):
    """The email address an activation link should be sent to again."""

    email = forms.EmailField(max_length=254, label=_("Email address"))


class LoginThrottleMixin:
    """Refuses further login attempts after repeated failures (for any AuthenticationForm).

    Failures are counted per username and client address; once
    ``COLEMAN_CUSTOMERS_LOGIN_ATTEMPTS`` is reached the form refuses even the right password
    until the window has passed, and ``throttled`` is set (our login view answers 429).
    """

    throttled_message = _("Too many failed attempts to log in. Please wait %(minutes)s minutes and try again.")
    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or self.request is None:
            return super().clean()
        throttle = login_throttle(self.request, username)
        if throttle.is_exceeded():
            self.throttled = True
            raise ValidationError(self.throttled_message, code="throttled", params={"minutes": throttle.minutes})
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if error.code in {"invalid_login", "inactive"}:
                throttle.hit()
            raise
        throttle.reset()
        return cleaned_data


class ThrottledAuthenticationForm(LoginThrottleMixin, AuthenticationForm):
    """The store's login form: Django's, throttled, with a hint for new accounts."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct %(username)s and password. Both fields may be case-sensitive. "
            "If you registered recently, open the activation link we emailed you first."
        ),
    }


class ThrottledAdminAuthenticationForm(LoginThrottleMixin, AdminAuthenticationForm):
    """The admin's login form, throttled like the store's."""


class ProfileForm(forms.Form):
    """Name, email and phone of the logged-in customer.

    Changing the email address re-checks that no other account uses it and asks for the
    current password, so a borrowed session cannot redirect password-reset mail.
    """

    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))
    email = forms.EmailField(max_length=254, label=_("Email address"))
    phone_number = forms.CharField(
        max_length=32,
        required=False,
        label=_("Phone number"),
        validators=[phone_number_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    current_password = forms.CharField(
        required=False,
        strip=False,
        label=_("Current password"),
        help_text=_("Needed only when you change your email address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = UserModel.objects.normalize_email(self.cleaned_data["email"])
        if email.casefold() != (self.user.email or "").casefold() and email_in_use(email, exclude_user=self.user):
            raise ValidationError(_("This email address is already used by another account."), code="email_in_use")
        return email

    def clean(self):
        cleaned_data = super().clean()
        email = cleaned_data.get("email")
        if email and email.casefold() != (self.user.email or "").casefold():
            password = cleaned_data.get("current_password") or ""
            if not self.user.check_password(password):
                self.add_error("current_password", _("Enter your current password to change your email address."))
        return cleaned_data

    @property
    def email_changed(self):
        """Whether the valid form changes the email address."""
        return (self.cleaned_data.get("email") or "").casefold() != (self.user.email or "").casefold()


class AddressForm(AddressFields, forms.ModelForm):
    """An address-book entry: the store's one address form (:mod:`coleman.core.addresses`).

    US addresses need a real state (typed as a code or a name, stored as the code) and ZIP
    code; the model's ``clean()`` applies that rule, as it does in the admin.
    """

    make_default = forms.BooleanField(required=False, label=_("Use as my default shipping address"))

    class Meta:
        model = CustomerAddress
        fields = list(ADDRESS_FIELDS)


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's password-reset form, sending its email through the store's one mail path
    (plain text and HTML, links from ``COLEMAN_SITE_URL``)."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        """Send the reset link with :func:`coleman.core.mail.send_templated_mail`."""
        send_templated_mail(
            to=to_email,
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
            html_template=html_email_template_name,
        )
