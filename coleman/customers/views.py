"""Views of the customers app: registration and activation, login and password pages,
profile and address book.

Every page that shows or changes a customer's records filters by the logged-in user, so
another customer's address id answers 404. Invalid forms answer 400, throttled ones 429.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DeleteView, FormView, ListView, TemplateView, UpdateView
from django.views.generic.edit import CreateView
from django_registration.backends.activation import views as activation_views
from django_registration.backends.activation.forms import ActivationForm

from coleman.conf import coleman_settings
from coleman.core.http import safe_next_url
from coleman.core.mail import render_email, send_templated_mail, site_url

from . import services
from .exceptions import AddressBookFull
from .forms import (
    AddressForm,
    CustomerRegistrationForm,
    PasswordResetForm,
    ProfileForm,
    ResendActivationForm,
    ThrottledAuthenticationForm,
)
from .models import CustomerAddress
from .throttling import address_email_throttle, email_throttle

UserModel = get_user_model()


class EmailThrottleMixin:
    """For forms that send account emails: at most ``COLEMAN_CUSTOMERS_EMAILS_PER_CLIENT``
    per client address and ``COLEMAN_CUSTOMERS_EMAILS_PER_ADDRESS`` to one email address
    within the window; beyond either the form is re-shown with 429.

    Both are counted whether or not the address has an account, so the answer reveals none.
    """

    def throttled_response(self, form):
        """A 429 response if this client, or the form's email address, has had too many
        emails, else ``None`` (both counted)."""
        throttles = [email_throttle(self.request), address_email_throttle(form.cleaned_data.get("email"))]
        for throttle in throttles:
            if throttle.is_exceeded():
                message = _("Too many requests. Please wait %(minutes)s minutes and try again.")
                form.add_error(None, message % {"minutes": throttle.minutes})
                return self.render_to_response(self.get_context_data(form=form), status=429)
        for throttle in throttles:
            throttle.hit()
        return None


class BadRequestOnInvalidFormMixin:
    """Answer 400 (not 200) when a submitted form does not validate."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# --- registration and activation ----------------------------------------------------


class ActivationEmailMixin:
    """Builds the activation email of django-registration's two-step workflow."""

    email_body_template = "customers/email/activation_body.txt"
    email_subject_template = "customers/email/activation_subject.txt"

    def get_email_context(self, activation_key):
        context = super().get_email_context(activation_key)
        query = urlencode({"activation_key": activation_key})
        context["activation_url"] = f"{site_url()}{reverse('customers:activate')}?{query}"
        context["store_name"] = coleman_settings.STORE_NAME
        return context

    def send_activation_email(self, user):
        """Send the activation email (plain text and HTML, rendered as every email is) at once,
        not through the task queue: if it cannot be sent, the registration is rolled back."""
        context = self.get_email_context(self.get_activation_key(user))
        context["user"] = user
        subject, text, html = render_email(
            subject_template=self.email_subject_template,
            body_template=self.email_body_template,
            context=context,
            request=self.request,
        )
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        message.send()


class RegistrationView(
    EmailThrottleMixin, BadRequestOnInvalidFormMixin, ActivationEmailMixin, activation_views.RegistrationView
):
    """Sign up: creates an inactive account and emails its activation link.

    When the email address already has an account, no account is created and the owner of
    the address is told by email instead; the page shown is the same either way, so the
    form never reveals which addresses are registered.
    """

    form_class = CustomerRegistrationForm
    template_name = "customers/registration_form.html"
    success_url = reverse_lazy("customers:registration-complete")
    disallowed_url = reverse_lazy("customers:registration-closed")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("customers:profile")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        return self.throttled_response(form) or super().form_valid(form)

    def register(self, form):
        if form.email_taken:
            self.send_account_exists_email(form.cleaned_data["email"])
            return None
        # An activation email that cannot be sent rolls the new account back.
        with transaction.atomic():
            return super().register(form)

    def send_account_exists_email(self, email):
        """Tell the owner of ``email`` that someone tried to register with it."""
        send_templated_mail(
            request=self.request,
            to=email,
            subject_template="customers/email/account_exists_subject.txt",
            body_template="customers/email/account_exists_body.txt",
            context={
                "login_url": site_url() + reverse("customers:login"),
                "reset_url": site_url() + reverse("customers:password-reset"),
                "resend_url": site_url() + reverse("customers:activation-resend"),
            },
        )


class ActivationView(activation_views.ActivationView):
    """Activate an account from the emailed link (GET shows a button, POST activates).

    A bad, expired or already-used key is explained on the page itself (status 400 for a
    bad key, 410 for an expired one, 409 when the account is already active), with the
    next step to take. After activation the customer is sent to log in.
    """

    template_name = "customers/activation_form.html"
    success_url = reverse_lazy("customers:login")

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if "activation_key" not in request.GET:
            return self.render_to_response(self.get_context_data(form=form))
        # Check the key at once so a stale link is explained before anyone clicks.
        checked = ActivationForm(data={"activation_key": request.GET.get("activation_key", "")})
        if not checked.is_valid():
            return self.render_to_response(self.get_context_data(form=checked))
        user = UserModel._default_manager.filter(
            **{UserModel.USERNAME_FIELD: checked.cleaned_data["activation_key"]}
        ).first()
        if user is None or self.already_activated(user):
            code = "bad_username" if user is None else "already_activated"
            return self.render_to_response(self.get_context_data(form=form, activation_error={"code": code}))
        return self.render_to_response(self.get_context_data(form=form))

    @staticmethod
    def already_activated(user):
        """An active account, or one that was active once (staff may have disabled it since:
        an old activation link must not re-enable it)."""
        return user.is_active or user.last_login is not None

    def get_user(self, username):
        user = super().get_user(username)
        if self.already_activated(user):
            raise activation_views.ActivationError(self.ALREADY_ACTIVATED_MESSAGE, code="already_activated")
        return user

    def activate(self, form):
        user = super().activate(form)
        messages.success(self.request, _("Your account is active. Log in to start shopping."))
        return user

    def render_to_response(self, context, **response_kwargs):
        form = context.get("form")
        problem = None
        if context.get("activation_error"):
            problem = context["activation_error"]["code"]
        elif form is not None and form.is_bound and form.errors:
            codes = [error.code for error in form.errors.as_data().get("activation_key", [])]
            problem = "expired" if "expired" in codes else "invalid_key"
        context["problem"] = problem
        status = {None: 200, "expired": 410, "already_activated": 409}.get(problem, 400)
        response_kwargs.setdefault("status", status)
        return super().render_to_response(context, **response_kwargs)


class RegistrationCompleteView(TemplateView):
    """ "Check your email" after registering (or asking for a new activation link)."""

    template_name = "customers/registration_complete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activation_days"] = settings.ACCOUNT_ACTIVATION_DAYS
        return context


class ResendActivationView(EmailThrottleMixin, BadRequestOnInvalidFormMixin, FormView):
    """Email a fresh activation link to an account that was never activated.

    The answer is the same whether or not such an account exists, and each client may ask
    only a few times per window.
    """

    form_class = ResendActivationForm
    template_name = "customers/activation_resend.html"
    success_url = reverse_lazy("customers:registration-complete")

    def form_valid(self, form):
        if refused := self.throttled_response(form):
            return refused
        email = form.cleaned_data["email"]
        users = UserModel._default_manager.filter(
            **{f"{UserModel.get_email_field_name()}__iexact": email, "is_active": False, "last_login": None}
        )
        sender = ActivationEmailSender(self.request)
        for user in users:
            sender.send_activation_email(user)
        return super().form_valid(form)


class ActivationEmailSender(ActivationEmailMixin, activation_views.RegistrationView):
    """django-registration's activation email, sent outside a registration request."""

    def __init__(self, request):
        super().__init__()
        self.request = request


# --- login, logout, passwords --------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Log in; repeated failures for one username from one address are refused (429)."""

    template_name = "customers/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 429 if form.throttled else 400
        return response


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django requires) and say so."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been logged out."))
        return response


class PasswordChangeView(BadRequestOnInvalidFormMixin, auth_views.PasswordChangeView):
    """Change the password (asks for the current one); the session stays logged in."""

    template_name = "customers/password_change_form.html"
    success_url = reverse_lazy("customers:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """Confirms the password change."""

    template_name = "customers/password_change_done.html"


class PasswordResetView(EmailThrottleMixin, BadRequestOnInvalidFormMixin, auth_views.PasswordResetView):
    """Ask for a password-reset link by email.

    The next page says the same thing whether or not the address has an account; each
    client may ask only a few times per window (429 beyond).
    """

    template_name = "customers/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "customers/email/password_reset_body.txt"
    subject_template_name = "customers/email/password_reset_subject.txt"
    success_url = reverse_lazy("customers:password-reset-done")

    def form_valid(self, form):
        if refused := self.throttled_response(form):
            return refused
        self.extra_email_context = {"store_name": coleman_settings.STORE_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """ "Check your email", worded so it reveals nothing about the address."""

    template_name = "customers/password_reset_done.html"


class PasswordResetConfirmView(BadRequestOnInvalidFormMixin, auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link (an invalid link is explained)."""

    template_name = "customers/password_reset_confirm.html"
    success_url = reverse_lazy("customers:password-reset-complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and not context.get("validlink"):
            response.status_code = 400
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """Confirms the new password and links to the login page."""

    template_name = "customers/password_reset_complete.html"


# --- profile -------------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, TemplateView):
    """The customer's account page: name, email, phone and address book."""

    template_name = "customers/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["customer"] = services.customer_for(self.request.user)
        context["addresses"] = services.address_book_for(self.request.user)
        return context


class ProfileUpdateView(LoginRequiredMixin, BadRequestOnInvalidFormMixin, FormView):
    """Edit name, email and phone number."""

    template_name = "customers/profile_form.html"
    form_class = ProfileForm
    success_url = reverse_lazy("customers:profile")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        user = self.request.user
        customer = services.customer_for(user)
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone_number": customer.phone_number,
        }

    def form_valid(self, form):
        user = self.request.user
        old_email = user.email
        email_changed = form.email_changed
        services.update_profile(
            user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            email=form.cleaned_data["email"],
            phone_number=form.cleaned_data["phone_number"],
        )
        if email_changed and old_email:
            send_templated_mail(
                request=self.request,
                to=old_email,
                subject_template="customers/email/email_changed_subject.txt",
                body_template="customers/email/email_changed_body.txt",
                context={"user": user, "new_email": user.email},
            )
        messages.success(self.request, _("Your details have been saved."))
        return super().form_valid(form)


# --- address book --------------------------------------------------------------------


class OwnAddressMixin(LoginRequiredMixin):
    """Limits address views to the logged-in customer's own addresses (others: 404)."""

    model = CustomerAddress
    context_object_name = "address"

    def get_queryset(self):
        return CustomerAddress.objects.owned_by(self.request.user)

    def get_success_url(self):
        return safe_next_url(self.request, reverse("customers:address-list"))


class AddressListView(LoginRequiredMixin, ListView):
    """The customer's address book, default address first."""

    template_name = "customers/address_list.html"
    context_object_name = "addresses"

    def get_queryset(self):
        return services.address_book_for(self.request.user)


class AddressFormMixin(BadRequestOnInvalidFormMixin):
    """Saves an address through the service (limit, default address)."""

    form_class = AddressForm
    template_name = "customers/address_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = safe_next_url(self.request, "")
        return context

    def form_valid(self, form):
        try:
            self.object = services.save_address(
                self.request.user, form.instance, make_default=form.cleaned_data.get("make_default", False)
            )
        except AddressBookFull as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Address saved."))
        return HttpResponseRedirect(self.get_success_url())


class AddressCreateView(OwnAddressMixin, AddressFormMixin, CreateView):
    """Add an address to the address book."""


class AddressUpdateView(OwnAddressMixin, AddressFormMixin, UpdateView):
    """Edit one of the customer's addresses."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if services.customer_for(self.request.user).default_address_id == self.object.pk:
            # Already the default: another address must be chosen to change that.
            del form.fields["make_default"]
        return form


class AddressDeleteView(OwnAddressMixin, DeleteView):
    """Confirm, then delete one of the customer's addresses."""

    template_name = "customers/address_confirm_delete.html"

    def form_valid(self, form):
        services.delete_address(self.request.user, self.object)
        messages.success(self.request, _("Address deleted."))
        return HttpResponseRedirect(self.get_success_url())


class AddressMakeDefaultView(OwnAddressMixin, View):
    """Make one of the customer's addresses the default (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        address = get_object_or_404(self.get_queryset(), pk=pk)
        services.set_default_address(request.user, address)
        messages.success(request, _("Default shipping address updated."))
        return HttpResponseRedirect(self.get_success_url())
