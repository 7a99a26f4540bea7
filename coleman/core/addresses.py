"""The store's one postal address: its fields, their limits and labels, and its validation.

Every place that takes an address uses this module, so a shopper meets the same form and the
same rules everywhere: the customers app's address book (its model and form), the orders
app's checkout form and ``make_order_from_cart`` (which also takes addresses from payment
gateways), and the ``ship_*`` fields of an order.

- :data:`ADDRESS_FIELDS`, :data:`REQUIRED_ADDRESS_FIELDS` and :data:`MAX_LENGTHS` are the
  shape of an address as a dict (``{"name", "line1", "line2", "line3", "city", "state",
  "postal_code", "country"}``); models size their columns with :data:`MAX_LENGTHS`.
- :class:`AddressFields` is a form with those fields: a country select (ISO 3166 codes from
  django-countries, typed codes accepted in any case), labels, help text and an
  ``autocomplete`` token on every field. :class:`AddressForm` adds the cross-field rules.
- :func:`apply_country_rules` is the rule that depends on the country: a US address needs
  a real state (a code or a name such as "Calif", stored as the code) and a ZIP code
  (both from localflavor); elsewhere the region and postal code are free text.
- :func:`validate_address` checks a whole address dict (required fields, lengths, country,
  the country rules) for code that gets addresses from elsewhere than a form.
"""

import html
from collections.abc import Mapping
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from localflavor.us.forms import USZipCodeField
from localflavor.us.us_states import STATE_CHOICES, STATES_NORMALIZED

ADDRESS_FIELDS = ("name", "line1", "line2", "line3", "city", "state", "postal_code", "country")
REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "postal_code", "country")
MAX_LENGTHS = {
    "name": 200,
    "line1": 200,
    "line2": 200,
    "line3": 200,
    "city": 100,
    "state": 100,
    "postal_code": 20,
    "country": 2,
}
DEFAULT_COUNTRY = "US"

LABELS = {
    "name": _("Full name"),
    "line1": _("Address line 1"),
    "line2": _("Address line 2"),
    "line3": _("Address line 3"),
    "city": _("City"),
    "state": _("State / region"),
    "postal_code": _("Postal code"),
    "country": _("Country"),
}
HELP_TEXTS = {
    "name": _("Who receives the parcel."),
    "state": _("For US addresses, the state: CA or California."),
}
# https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofill
AUTOCOMPLETE = {
    "name": "name",
    "line1": "address-line1",
    "line2": "address-line2",
    "line3": "address-line3",
    "city": "address-level2",
    "state": "address-level1",
    "postal_code": "postal-code",
    "country": "country",
}

US_STATE_MESSAGE = _("Choose a US state (a two-letter code such as CA or NY).")
US_ZIP_MESSAGE = _("Enter a US ZIP code: 12345 or 12345-6789.")
COUNTRY_MESSAGE = _("Choose a country by its two-letter code, such as US.")


@cache
def us_state_codes() -> frozenset[str]:
    """The two-letter codes of the 50 states and DC (localflavor's ``STATE_CHOICES``)."""
    return frozenset(code for code, _name in STATE_CHOICES)


def us_state_code(value) -> str | None:
    """The code of the US state ``value`` names ("ma", "Massachusetts", "calif"), or ``None``."""
    text = str(value or "").strip()
    code = STATES_NORMALIZED.get(text.casefold(), text.upper())
    return code if code in us_state_codes() else None


def is_country_code(value) -> bool:
    """Whether ``value`` is an ISO 3166-1 alpha-2 code django-countries knows (upper case)."""
    return bool(value) and value in countries


def apply_country_rules(address: dict) -> dict[str, ValidationError]:
    """Apply the rules that depend on the country to ``address`` (a dict, changed in place).

    For a US address the state becomes its two-letter code and the ZIP code is checked.
    Returns the errors by field name (empty when the address is fine).
    """
    errors = {}
    if address.get("country") == "US":
        state = us_state_code(address.get("state"))
        if state is None:
            errors["state"] = ValidationError(US_STATE_MESSAGE, code="invalid_state")
        else:
            address["state"] = state
        postal_code = address.get("postal_code")
        if postal_code:
            try:
                address["postal_code"] = USZipCodeField(error_messages={"invalid": US_ZIP_MESSAGE}).clean(postal_code)
            except ValidationError as error:
                errors["postal_code"] = ValidationError(error.messages[0], code="invalid_zip")
    return errors


def normalize_address(data: Mapping) -> dict:
    """The eight address fields of ``data`` as stripped strings; country and postal code in capitals."""
    address = {field: str(data.get(field) or "").strip() for field in ADDRESS_FIELDS}
    address["country"] = address["country"].upper()
    address["postal_code"] = address["postal_code"].upper()
    return address


def validate_address(data: Mapping) -> dict:
    """Check a whole address and return it normalised, or raise ``ValidationError`` by field.

    The same rules as the forms: required fields, :data:`MAX_LENGTHS`, a known country code,
    and :func:`apply_country_rules`. Error codes: ``required``, ``max_length``,
    ``invalid_country``, ``invalid_state``, ``invalid_zip``.
    """
    address = normalize_address(data)
    errors = {}
    for field in ADDRESS_FIELDS:
        value = address[field]
        if not value and field in REQUIRED_ADDRESS_FIELDS:
            errors[field] = ValidationError(forms.Field.default_error_messages["required"], code="required")
        elif field != "country" and len(value) > MAX_LENGTHS[field]:
            errors[field] = ValidationError(
                _("Ensure this value has at most %(limit)d characters (it has %(length)d)."),
                code="max_length",
                params={"limit": MAX_LENGTHS[field], "length": len(value)},
            )
    if "country" not in errors and not is_country_code(address["country"]):
        errors["country"] = ValidationError(COUNTRY_MESSAGE, code="invalid_country")
    if not errors:
        errors.update(apply_country_rules(address))
    if errors:
        raise ValidationError(errors)
    return address


def _escaped(text) -> str:
    """``text`` escaped as Django's autoescape does (``conditional_escape``), as a plain string."""
    return str(text.__html__()) if hasattr(text, "__html__") else html.escape(str(text))


class CountrySelect(forms.Select):
    """Django's select, with its options written in Python rather than one template include each.

    The markup is the same as ``django/forms/widgets/select.html`` (a test compares them); the
    country list has 250 options, and including ``select_option.html`` for each of them was
    most of the checkout page's time (bench/checkout.py). Options carry no attributes but
    ``selected`` (a select's options inherit none), so ``optgroups`` is not built.
    """

    template_name = "core/forms/widgets/select.html"

    def options_html(self, value) -> str:
        """The ``<option>`` (and ``<optgroup>``) markup for the formatted ``value`` (a list of strings)."""
        if isinstance(self.choices, CountryChoices) and not self.allow_multiple_selected:
            return self._country_options_html(value)
        parts, has_selected = [], False
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                parts.append(f'\n  <optgroup label="{_escaped(option_value)}">')
                choices = option_label
            else:
                choices = [("" if option_value is None else option_value, option_label)]
            for subvalue, sublabel in choices:
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in value
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{_escaped(subvalue)}"{" selected" if selected else ""}>'
                    f"{_escaped(sublabel)}</option>\n"
                )
            if isinstance(option_label, list | tuple):
                parts.append("\n  </optgroup>")
        return "".join(parts)

    @staticmethod
    def _country_options_html(value) -> str:
        """:meth:`options_html` of the country choices, from their options escaped once per language."""
        parts, has_selected = [], False
        for code, head, tail in _country_options(get_language()):
            selected = not has_selected and code in value
            has_selected |= selected
            parts.append(head + " selected" + tail if selected else head + tail)
        return "".join(parts)

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        context["widget"]["options_html"] = mark_safe(self.options_html(context["widget"]["value"]))  # noqa: S308 - escaped
        return context


@cache
def _country_choices(language) -> tuple:
    """``(code, name)`` of every country, sorted by name in ``language`` (built once per language)."""
    return tuple((code, str(name)) for code, name in countries)


@cache
def _country_options(language) -> tuple:
    """Each country choice as ``(code, '<option value="…"', '>name</option>')``, escaped, for
    :class:`CountrySelect` (built once per language)."""
    return tuple(
        (code, f'\n  <option value="{_escaped(code)}"', f">{_escaped(name)}</option>\n")
        for code, name in _country_choices(language)
    )


class CountryChoices(BaseChoiceIterator):
    """The country choices in the active language, read from django-countries once per
    language and process (its settings do not change while the store runs).

    An iterator of choices, so Django keeps it as it is: a callable's choices are fetched and
    normalised again on every iteration (twice per render of the select, again to validate),
    which cost more than drawing its 250 options.
    """

    def __iter__(self):
        return iter(_country_choices(get_language()))


class CountryChoiceField(forms.ChoiceField):
    """A select of the world's countries by name, posting ISO codes; typed codes in any case pass."""

    widget = CountrySelect

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", CountryChoices())
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class AddressFields(forms.Form):
    """The address fields, labelled, sized to :data:`MAX_LENGTHS` and with ``autocomplete`` tokens.

    Without the cross-field rules, for a model form whose model applies them itself (the
    address book's model runs :func:`apply_country_rules` in ``clean()``); other forms use
    :class:`AddressForm`.
    """

    name = forms.CharField(max_length=MAX_LENGTHS["name"])
    line1 = forms.CharField(max_length=MAX_LENGTHS["line1"])
    line2 = forms.CharField(max_length=MAX_LENGTHS["line2"], required=False)
    line3 = forms.CharField(max_length=MAX_LENGTHS["line3"], required=False)
    city = forms.CharField(max_length=MAX_LENGTHS["city"])
    state = forms.CharField(max_length=MAX_LENGTHS["state"], required=False)
    postal_code = forms.CharField(max_length=MAX_LENGTHS["postal_code"])
    country = CountryChoiceField(initial=DEFAULT_COUNTRY)

    address_fields = ADDRESS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ADDRESS_FIELDS:
            field = self.fields[name]
            field.label = LABELS[name]
            field.help_text = HELP_TEXTS.get(name, "")
            field.widget.attrs["autocomplete"] = AUTOCOMPLETE[name]

    def clean_postal_code(self):
        """Postal codes in capitals ("sw1a 1aa" is "SW1A 1AA")."""
        return (self.cleaned_data.get("postal_code") or "").strip().upper()


class AddressForm(AddressFields):
    """:class:`AddressFields` with the country rules: a US address needs a real state and ZIP code."""

    def address_is_typed(self) -> bool:
        """Whether the address fields are in use (a subclass may offer saved addresses instead)."""
        return True

    def clean(self):
        cleaned = super().clean()
        if self.address_is_typed() and "country" in cleaned:
            address = {field: cleaned.get(field, "") for field in ADDRESS_FIELDS}
            for field, error in apply_country_rules(address).items():
                if field not in self.errors:
                    self.add_error(field, error)
            for field in ("state", "postal_code"):
                if field in cleaned:
                    cleaned[field] = address[field]
        return cleaned


__all__ = [
    "ADDRESS_FIELDS",
    "AUTOCOMPLETE",
    "DEFAULT_COUNTRY",
    "LABELS",
    "MAX_LENGTHS",
    "REQUIRED_ADDRESS_FIELDS",
    "AddressFields",
    "AddressForm",
    "CountryChoiceField",
    "CountryChoices",
    "CountrySelect",
    "apply_country_rules",
    "is_country_code",
    "normalize_address",
    "us_state_code",
    "validate_address",
]
