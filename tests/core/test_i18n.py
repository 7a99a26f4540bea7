"""The store's own pages render in another language: their strings go through gettext.

Coleman ships no French catalog of its own, so its texts stay English here; what these tests
prove is that every page builds with French active (lazy strings, plural forms and
``blocktranslate`` blocks included) and that texts from Django's own French catalog appear
where Coleman hands Django's messages through.
"""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from coleman.core.addresses import AddressForm
from coleman.customers.forms import ProfileForm
from coleman.orders.forms import CheckoutForm
from coleman.orders.statuses import Status
from coleman.search.forms import SearchForm
from tests.factories.customers import AddressFactory
from tests.factories.orders import OrderFactory
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory as CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def french():
    """French as the active language of the test and of every request it makes."""
    with override_settings(LANGUAGE_CODE="fr"), translation.override("fr"):
        yield


def test_the_shoppers_pages_render_in_french(client, french):
    """Cart, order, account, address book, search and rating pages answer 200 with French active."""
    customer = CustomerFactory()
    address = AddressFactory(user=customer)
    product = ProductFactory(name="Cranberry Relish")
    order = OrderFactory(user=customer)
    client.force_login(customer)
    client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": "2"})
    pages = [
        reverse("cart:detail"),
        reverse("orders:list"),
        order.get_absolute_url(),
        reverse("orders:lookup"),
        reverse("customers:profile"),
        reverse("customers:address-list"),
        reverse("customers:address-add"),
        reverse("customers:address-edit", args=[address.pk]),
        reverse("search:results") + "?q=relish",
        reverse("ratings:rate", kwargs={"model": "products.product", "object_id": product.pk, "rating": 4}),
        reverse("ratings:review", kwargs={"model": "products.product", "object_id": product.pk}),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().startswith("<!doctype html>"), url
    client.logout()
    for url in [reverse("customers:login"), reverse("customers:register"), reverse("customers:password-reset")]:
        assert client.get(url).status_code == 200, url


def test_django_messages_come_through_in_french(client, french):
    """A required-field error of the one address form is Django's French text, on the page too."""
    form = AddressForm({"country": "FR"})
    assert not form.is_valid()
    assert form.errors["line1"] == ["Ce champ est obligatoire."]
    client.force_login(CustomerFactory())
    response = client.post(reverse("customers:address-add"), {"country": "FR"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()


def test_labels_defined_at_import_follow_the_active_language():
    """Form labels set when the module loads are lazy: read under French they are French
    (these happen to be in Django's own catalog), read under English they are English."""
    with translation.override("fr"):
        assert str(SearchForm().fields["q"].label) == "Rechercher"
        assert str(CheckoutForm().fields["email"].label) == "Courriel"
        assert str(ProfileForm(user=None).fields["email"].label) == "Adresse électronique"
    with translation.override("en"):
        assert str(SearchForm().fields["q"].label) == "Search"
        assert str(Status.CANCELLED.label) == "Cancelled"


def test_template_strings_follow_the_active_language(client, french):
    """The search box's button is translated in the page (Django's catalog knows "Search")."""
    page = client.get(reverse("search:results")).content.decode()
    assert '<button type="submit">Rechercher</button>' in page
