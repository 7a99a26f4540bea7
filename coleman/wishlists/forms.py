"""Forms of the wishlists app (labelled fields; services do the checking that needs the database)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ListNameForm(forms.Form):
    """The name of a new or renamed list."""

    name = forms.CharField(label=_("List name"), max_length=100, strip=True)


class AlertEmailForm(forms.Form):
    """A guest's address for a back-in-stock alert (confirmed by a link sent there)."""

    email = forms.EmailField(label=_("Your email address"), max_length=254)
