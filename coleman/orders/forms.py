"""Forms of the orders app: checkout, guest order look-up and order feedback."""

import re

from django import forms
from django.apps import apps

from .models import OrderFeedback

NEW_ADDRESS = "new"
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def address_book_for(user):
    """The customer's saved addresses when the customers app is installed, else an empty list."""
    if user is None or not user.is_authenticated or not apps.is_installed("coleman.customers"):
        return []
    from coleman.customers.services import address_book_for as customers_address_book

    return list(customers_address_book(user))


class CheckoutForm(forms.Form):
    """Where the order ships and where updates go.

    Guests give an email; signed-in customers use their account's email. A customer with an
    address book picks a saved address or "a new address" and types it in. ``checkout_token``
    is the one-time token that makes a double-submitted "Place order" place one order.
    """

    email = forms.EmailField(label="Email", help_text="We send order updates here.")
    address_choice = forms.ChoiceField(label="Ship to", widget=forms.RadioSelect, required=False)
    name = forms.CharField(label="Full name", max_length=200, required=False)
    line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    line3 = forms.CharField(label="Address line 3", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    state = forms.CharField(label="State or region", max_length=100, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    country = forms.CharField(
        label="Country",
        max_length=2,
        min_length=2,
        initial="US",
        required=False,
        help_text="Two-letter code, such as US or CA.",
    )
    comments = forms.CharField(
        label="Notes for the store", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Optional here so other checkout views may reuse the form; CheckoutView requires it.
    checkout_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    typed_address_fields = ("name", "line1", "line2", "line3", "city", "state", "postal_code", "country")
    required_address_fields = ("name", "line1", "city", "postal_code", "country")

    def __init__(self, *args, user=None, addresses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.addresses = list(addresses if addresses is not None else address_book_for(self.user))
        if self.user is not None and self.user.email:
            del self.fields["email"]
        if self.addresses:
            self.fields["address_choice"].choices = [
                (str(address.pk), ", ".join(part for part in self._summary(address) if part))
                for address in self.addresses
            ] + [(NEW_ADDRESS, "A new address (type it below)")]
            self.fields["address_choice"].required = True
            self.fields["address_choice"].initial = str(self.addresses[0].pk)
        else:
            del self.fields["address_choice"]

    @staticmethod
    def _summary(address):
        data = address.as_shipping_dict()
        return [
            data.get("name"),
            data.get("line1"),
            data.get("city"),
            data.get("postal_code"),
            data.get("country"),
        ]

    def uses_address_book(self):
        """True when the shopper picked a saved address."""
        return bool(self.addresses) and self.cleaned_data.get("address_choice") not in (None, "", NEW_ADDRESS)

    def clean_country(self):
        country = self.cleaned_data.get("country", "").strip().upper()
        if country and not _COUNTRY_CODE.fullmatch(country):
            raise forms.ValidationError("Use the two-letter country code, such as US.")
        return country

    def clean(self):
        cleaned = super().clean()
        if "address_choice" in self.fields and self.uses_address_book():
            return cleaned
        for field in self.required_address_fields:
            if not (cleaned.get(field) or "").strip() and field not in self.errors:
                self.add_error(field, "This field is required.")
        return cleaned

    def shipping_address(self) -> dict:
        """The chosen or typed-in address as the dict ``make_order_from_cart`` takes."""
        if self.uses_address_book():
            chosen = next(a for a in self.addresses if str(a.pk) == self.cleaned_data["address_choice"])
            return chosen.as_shipping_dict()
        return {field: self.cleaned_data.get(field, "").strip() for field in self.typed_address_fields}

    def order_email(self) -> str:
        """The email for order updates: the account's for customers, the typed one for guests."""
        if "email" not in self.fields:
            return self.user.email
        return self.cleaned_data["email"]


class OrderLookupForm(forms.Form):
    """A guest finds an order by its number and the email it was placed with."""

    number = forms.CharField(label="Order number", max_length=20)
    email = forms.EmailField(label="Email")

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()


class OrderFeedbackForm(forms.ModelForm):
    """A customer's message about their own order."""

    class Meta:
        model = OrderFeedback
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}
        labels = {"body": "Your message"}
