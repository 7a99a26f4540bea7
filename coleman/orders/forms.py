"""Forms of the orders app: checkout, guest order look-up and order feedback."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coleman.core.addresses import ADDRESS_FIELDS, REQUIRED_ADDRESS_FIELDS, AddressForm

from .address_book import can_save_addresses, saved_addresses_for
from .models import OrderFeedback

NEW_ADDRESS = "new"


class CheckoutForm(AddressForm):
    """Where the order ships and where updates go.

    The address fields and their rules are the store's one address form
    (:class:`coleman.core.addresses.AddressForm`). Guests give an email; signed-in customers
    use their account's email. A customer with saved addresses (``addresses``, by default
    from the ``COLEMAN_ORDERS_ADDRESS_BOOK`` hook: dicts with an ``id`` and the address
    fields) picks one (the default is chosen) or "a new address" and types it in, and may tick
    "Save this address" (when the book can save: ``COLEMAN_ORDERS_ADDRESS_BOOK_SAVE``).
    ``checkout_token`` is the one-time token that makes a double-submitted "Place order" place one order.
    """

    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send order updates here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address_choice = forms.ChoiceField(label=_("Ship to"), widget=forms.RadioSelect, required=False)
    comments = forms.CharField(
        label=_("Notes for the store"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    save_address = forms.BooleanField(label=_("Save this address in my address book"), required=False)
    # Optional here so other checkout views may reuse the form; CheckoutView requires it.
    checkout_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    field_order = ["email", "address_choice", *ADDRESS_FIELDS, "save_address", "comments", "checkout_token"]
    typed_address_fields = ADDRESS_FIELDS
    required_address_fields = REQUIRED_ADDRESS_FIELDS

    def __init__(self, *args, user=None, addresses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.addresses = list(addresses if addresses is not None else saved_addresses_for(self.user))
        if self.user is not None and self.user.email:
            del self.fields["email"]
        if not can_save_addresses(self.user):
            del self.fields["save_address"]
        if self.addresses:
            self.fields["address_choice"].choices = [
                (str(address["id"]), self._summary(address)) for address in self.addresses
            ] + [(NEW_ADDRESS, _("A new address (type it below)"))]
            self.fields["address_choice"].required = True
            self.fields["address_choice"].initial = str(self.addresses[0]["id"])
            for name in self.typed_address_fields:  # needed only for "a new address"
                self.fields[name].required = False
        else:
            del self.fields["address_choice"]

    @staticmethod
    def _summary(address) -> str:
        parts = [address.get(field) for field in ("name", "line1", "city", "postal_code", "country")]
        return ", ".join(str(part) for part in parts if part)

    def uses_address_book(self) -> bool:
        """True when the shopper picked a saved address."""
        return bool(self.addresses) and self.cleaned_data.get("address_choice") not in (None, "", NEW_ADDRESS)

    def address_is_typed(self) -> bool:
        """The typed fields count (and are checked) unless a saved address was picked."""
        return not self.uses_address_book()

    def clean(self):
        cleaned = super().clean()
        if self.uses_address_book():
            return cleaned
        for field in self.required_address_fields:
            if not (cleaned.get(field) or "").strip() and field not in self.errors:
                self.add_error(field, forms.Field.default_error_messages["required"])
        return cleaned

    def shipping_address(self) -> dict:
        """The chosen or typed-in address as the dict ``make_order_from_cart`` takes."""
        if self.uses_address_book():
            chosen = next(a for a in self.addresses if str(a["id"]) == self.cleaned_data["address_choice"])
            return {field: chosen.get(field) or "" for field in ADDRESS_FIELDS}
        return {field: (self.cleaned_data.get(field) or "").strip() for field in self.typed_address_fields}

    def wants_address_saved(self) -> bool:
        """True when a signed-in shopper typed a new address and ticked "Save this address"."""
        return self.address_is_typed() and bool(self.cleaned_data.get("save_address"))

    def order_email(self) -> str:
        """The email for order updates: the account's for customers, the typed one for guests."""
        if "email" not in self.fields:
            return self.user.email
        return self.cleaned_data["email"]


class OrderLookupForm(forms.Form):
    """A guest finds an order by its number and the email it was placed with."""

    number = forms.CharField(label=_("Order number"), max_length=20)
    email = forms.EmailField(label=_("Email"))

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()


class OrderFeedbackForm(forms.ModelForm):
    """A customer's message about their own order."""

    class Meta:
        model = OrderFeedback
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}
        labels = {"body": _("Your message")}
