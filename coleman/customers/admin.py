"""Admin of customers: profiles with their addresses inline; users show whether they have one."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .forms import ThrottledAdminAuthenticationForm
from .models import Customer, CustomerAddress


class CustomerAddressInline(admin.StackedInline):
    """A customer's address book, edited on the customer's page."""

    model = CustomerAddress
    extra = 0
    fields = [("name", "country"), "line1", "line2", "line3", ("city", "state", "postal_code")]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Customers, searchable by name, email and phone number."""

    list_display = ["username", "full_name", "email", "phone_number", "address_count", "created"]
    list_select_related = ["user"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "phone_number",
        "addresses__name",
    ]
    readonly_fields = ["user", "created", "updated"]
    fields = ["user", "phone_number", "default_address", "created", "updated"]
    inlines = [CustomerAddressInline]
    date_hierarchy = "created"

    def get_queryset(self, request):
        return Customer.objects.for_admin()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The default address must be one of this customer's own addresses.
        field = form.base_fields.get("default_address")
        if field is not None:
            field.queryset = CustomerAddress.objects.filter(customer=obj) if obj else CustomerAddress.objects.none()
        return form

    def has_add_permission(self, request):
        # Profiles are made with their user (post_save); adding one here would duplicate it.
        return False

    @admin.display(ordering="user__username", description=_("username"))
    def username(self, customer):
        return customer.user.get_username()

    @admin.display(ordering="user__last_name", description=_("name"))
    def full_name(self, customer):
        return customer.full_name

    @admin.display(ordering="user__email", description=_("email"))
    def email(self, customer):
        return customer.email

    @admin.display(ordering="address_count", description=_("addresses"))
    def address_count(self, customer):
        return customer.address_count


def _extend_user_admin():
    """Re-register the user model's admin with a "customer profile" column.

    Subclasses whichever admin class is registered for the user model (Django's
    ``UserAdmin`` or a project's own), so nothing it configures is lost.
    """
    user_model = get_user_model()
    base_admin = type(admin.site._registry.get(user_model)) if admin.site.is_registered(user_model) else None
    if base_admin is None or getattr(base_admin, "shows_customer_profile", False):
        return

    class CustomerProfileUserAdmin(base_admin):
        """The user admin, with a column saying whether the user has a customer profile."""

        shows_customer_profile = True
        list_display = [*base_admin.list_display, "has_customer_profile"]

        def get_queryset(self, request):
            profiles = Customer.objects.filter(user=OuterRef("pk"))
            return super().get_queryset(request).annotate(customer_profile_exists=Exists(profiles))

        @admin.display(boolean=True, ordering="customer_profile_exists", description=_("customer profile"))
        def has_customer_profile(self, user):
            return user.customer_profile_exists

    admin.site.unregister(user_model)
    admin.site.register(user_model, CustomerProfileUserAdmin)


_extend_user_admin()

# Staff passwords deserve the same protection against guessing as customers' passwords.
if admin.site.login_form is None:
    admin.site.login_form = ThrottledAdminAuthenticationForm
