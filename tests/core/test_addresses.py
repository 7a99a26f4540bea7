"""The store's one address: the same fields, limits, labels and rules in every form and service."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django_countries import countries

from coleman.core.addresses import (
    ADDRESS_FIELDS,
    AUTOCOMPLETE,
    MAX_LENGTHS,
    AddressForm,
    CountryChoices,
    CountrySelect,
    validate_address,
)
from coleman.customers.forms import AddressForm as AddressBookForm
from coleman.customers.models import CustomerAddress
from coleman.orders.forms import CheckoutForm
from coleman.orders.models import Order
from tests.factories.orders import ADDRESS

GOOD = dict(ADDRESS)


def test_limits_are_the_columns_of_an_order_and_of_the_address_book():
    """Every address field is as long as the order's ship_* column and the address book's column."""
    for field in ADDRESS_FIELDS:
        assert Order._meta.get_field(f"ship_{field}").max_length == MAX_LENGTHS[field], field
        if field != "country":  # a CountryField, two letters
            assert CustomerAddress._meta.get_field(field).max_length == MAX_LENGTHS[field], field


@pytest.mark.parametrize("form_class", [AddressForm, AddressBookForm, CheckoutForm])
def test_every_address_form_has_the_same_fields_labels_limits_and_autocomplete(form_class):
    """The checkout and the address book render the one form: labels, maxlength, autocomplete tokens."""
    form = form_class()
    reference = AddressForm()
    for field in ADDRESS_FIELDS:
        bound, expected = form[field], reference[field]
        assert bound.label == expected.label, field
        assert bound.field.widget.attrs["autocomplete"] == AUTOCOMPLETE[field], field
        if field != "country":
            assert bound.field.max_length == MAX_LENGTHS[field], field
    assert 'name="country"' in str(form["country"]) and "<select" in str(form["country"])
    assert '<option value="US" selected>United States of America</option>' in str(reference["country"])


@pytest.mark.parametrize("value", ["US", "gb", "", None, '"><script>', ["FR", "DE"]])
@pytest.mark.parametrize(
    "choices",
    [
        list(countries),
        [("", "---------"), ("Europe", [("FR", "France & co"), ("DE", "<Germany>")]), ("US", "United States")],
        CountryChoices(),
    ],
)
def test_the_country_select_draws_exactly_what_djangos_select_draws(value, choices):
    """The country select writes its options in Python (no template per option) and its markup is
    Django's own select's, byte for byte: escaping, the one selected option, groups, attributes;
    the checkout's country choices (options escaped once per language) too."""
    attrs = {"id": "id_country", "required": True, "aria-describedby": 'id_country_helptext"&'}
    expected = forms.Select(choices=choices, attrs={"autocomplete": "country"}).render("country", value, attrs)
    drawn = CountrySelect(choices=choices, attrs={"autocomplete": "country"}).render("country", value, attrs)
    assert drawn == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"state": "ZZ"}, "state", "Choose a US state"),
        ({"state": ""}, "state", "Choose a US state"),
        ({"postal_code": "ABCDE"}, "postal_code", "Enter a US ZIP code"),
        ({"postal_code": "025711"}, "postal_code", "Enter a US ZIP code"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"city": "c" * 101}, "city", "at most 100 characters"),
        ({"line1": ""}, "line1", "This field is required."),
    ],
)
def test_checkout_and_address_book_refuse_the_same_addresses(changes, field, message):
    """A bad US state, ZIP code, country or length is refused alike by both forms, on the same field."""
    data = {**GOOD, **changes}
    for form in (CheckoutForm({**data, "email": "a@example.com"}), AddressBookForm(data)):
        assert not form.is_valid()
        assert any(message in error for error in form.errors[field]), (type(form), form.errors)


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "code"), [("ma", "MA"), ("Massachusetts", "MA"), ("calif", "CA"), (" ny ", "NY")])
def test_us_states_are_stored_as_codes_by_both_forms(typed, code):
    """US states may be typed as names or codes in either form; both keep the two-letter code."""
    checkout = CheckoutForm({**GOOD, "state": typed, "email": "a@example.com"})
    assert checkout.is_valid(), checkout.errors
    assert checkout.shipping_address()["state"] == code
    book = AddressBookForm({**GOOD, "state": typed})
    assert book.is_valid(), book.errors
    assert book.instance.state == code


def test_outside_the_us_region_and_postal_code_are_free_text():
    """A German or British address needs no US state; the postal code is kept in capitals."""
    form = AddressForm({**GOOD, "state": "Bayern", "postal_code": "sw1a 1aa", "country": "gb"})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["country"], form.cleaned_data["postal_code"]) == ("GB", "SW1A 1AA")


def test_validate_address_normalises_a_good_address():
    """Whitespace is stripped, the country and postal code are capitals, a US state becomes its code."""
    address = validate_address({**GOOD, "name": "  Cora  ", "state": "massachusetts", "country": "us"})
    assert address == {**GOOD, "name": "Cora"}


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({"city": " "}, {"city": "required"}),
        ({"city": "x" * 101}, {"city": "max_length"}),
        ({"country": "USA"}, {"country": "invalid_country"}),
        ({"country": "XX"}, {"country": "invalid_country"}),
        ({"state": "Atlantis", "postal_code": "1"}, {"state": "invalid_state", "postal_code": "invalid_zip"}),
    ],
)
def test_validate_address_gives_each_problem_a_code_by_field(changes, codes):
    """Problems come back by field with stable codes, for services that explain them their own way."""
    with pytest.raises(ValidationError) as refused:
        validate_address({**GOOD, **changes})
    assert {field: errors[0].code for field, errors in refused.value.error_dict.items()} == codes
