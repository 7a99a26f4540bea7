"""The search form: the shopper's words, filters, sort and page, validated."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from coleman.conf import coleman_settings

from .backends.base import SORT_CHOICES, SearchRequest, parse_price_band


class SearchForm(forms.Form):
    """``/search/?q=…&catalog=…&category=…&manufacturer=…&price=…&sort=…&page=…``."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)
    catalog = forms.SlugField(required=False, max_length=150)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    manufacturer = forms.CharField(required=False, max_length=300)
    price = forms.CharField(required=False, max_length=40)
    sort = forms.ChoiceField(required=False, choices=list(SORT_CHOICES.items()))
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = coleman_settings.SEARCH_MAX_QUERY_LENGTH
        self.fields["q"].max_length = limit
        self.fields["q"].validators.append(MaxLengthValidator(limit))

    def clean_price(self):
        """A price band like ``10-25`` or ``100-``."""
        price = self.cleaned_data["price"]
        if price and parse_price_band(price) is None:
            raise forms.ValidationError(_("Choose a price range from the list."))
        return price

    def search_request(self):
        """The :class:`SearchRequest` of a valid form."""
        data = self.cleaned_data
        return SearchRequest(
            text=data["q"],
            catalog=data["catalog"] or "",
            category=data["category"],
            manufacturer=data["manufacturer"] or "",
            price=data["price"] or "",
            sort=data["sort"] or "relevance",
            page=data["page"] or 1,
            per_page=coleman_settings.SEARCH_RESULTS_PER_PAGE,
        )
