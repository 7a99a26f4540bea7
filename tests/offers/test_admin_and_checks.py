"""Staff screens for offers, vouchers and tax rates; model rules; the tax system checks; reports."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from coleman.cart.cart import Cart
from coleman.offers.models import Offer, Voucher
from coleman.orders.placing import make_order_from_cart
from coleman.tax.checks import check_tax_settings
from tests.factories.orders import ADDRESS
from tests.helpers import make_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["offers_offer", "offers_voucher", "tax_salestaxrate", "tax_vatrate"])
def test_admin_lists_and_add_forms_open(staff_client, name, store, cranberry10, three_for_two, massachusetts):
    """Each new admin screen's list and add form answer 200."""
    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:{name}_add")).status_code == 200
    if name.startswith("offers"):
        assert staff_client.get(reverse(f"admin:{name}_changelist") + "?running=yes").status_code == 200


def test_staff_edit_tax_rates_in_the_list(staff_client, massachusetts):
    """The rate table is edited right in the list: Massachusetts becomes 7% with shipping taxed."""
    response = staff_client.post(
        reverse("admin:tax_salestaxrate_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": massachusetts.pk,
            "form-0-rate": "7",
            "form-0-shipping_taxable": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    massachusetts.refresh_from_db()
    assert (massachusetts.rate, massachusetts.shipping_taxable) == (Decimal("7"), True)


def test_voucher_codes_are_stored_upper_case_and_rules_are_checked(store):
    """A code is kept upper case; a percentage above 100, a 3-for-2 without a category or paying
    for more than you buy are refused with a message per field."""
    assert Voucher.objects.create(code=" spring5 ", value=5).code == "SPRING5"
    with pytest.raises(ValidationError) as error:
        Voucher(code="X", kind=Voucher.Kind.PERCENT, value=Decimal("150")).full_clean()
    assert "value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Offer(name="Bad", kind=Offer.Kind.MULTIBUY, buy_quantity=2, pay_quantity=3).full_clean()
    assert {"pay_quantity", "category"} <= set(error.value.message_dict)


def test_tax_checks():
    """A strategy path that is not a TaxStrategy, or a bad default country, is a system check error."""
    assert check_tax_settings(None) == []
    with override_settings(COLEMAN_TAX_STRATEGY="coleman.tax.models.VatRate", COLEMAN_TAX_DEFAULT_COUNTRY="DEU"):
        assert [error.id for error in check_tax_settings(None)] == ["coleman.E170", "coleman.E171"]


@override_settings(COLEMAN_TAX_STRATEGY="coleman.tax.strategies.UsSalesTax")
def test_reports_show_discounts_and_tax_per_status(staff_client, store, massachusetts, cranberry10):
    """The order-status table of the reports (page and CSV) carries the discounts and tax."""
    cart = Cart(make_request())
    cart.add(store.candle, 3)
    cart.add(store.preserves, 2)
    cart.set_voucher_code("CRANBERRY10")
    make_order_from_cart(cart, email="ada@example.com", shipping_address=dict(ADDRESS))
    response = staff_client.get(reverse("reports:csv", args=["order-statuses"]) + "?period=this-year")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-2:] == ["discount", "tax"]
    assert rows[1][2:] == ["1", "53.77", "5.10", "2.87"]
    page = staff_client.get(reverse("reports:index") + "?period=this-year").content.decode()
    assert "$5.10" in page and "$2.87" in page
