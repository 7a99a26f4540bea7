"""The checkout form's fields drawn by ``{% checkout_fields form %}``: a blank guest form's markup
is drawn once per language and kept; anything else is drawn every time."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from coleman.orders.forms import CheckoutForm
from coleman.orders.templatetags import orders as order_tags
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db

TOKENS = re.compile(r'(name="(?:checkout_token|csrfmiddlewaretoken)" value=")[^"]*"')


@pytest.fixture(autouse=True)
def _no_kept_forms():
    order_tags._blank_forms.clear()
    yield
    order_tags._blank_forms.clear()


def guest_checkout_page(product):
    """A new guest's checkout page (one unit of ``product`` in the cart), tokens blanked."""
    guest = Client()
    guest.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 1})
    response = guest.get("/checkout/google/")
    assert response.status_code == 200
    return TOKENS.sub(r'\1"', response.content.decode())


def draw(form):
    """``orders/_checkout_fields.html`` for ``form``, as a checkout template includes it."""
    return Template('{% include "orders/_checkout_fields.html" %}').render(Context({"form": form}))


def test_a_guests_blank_form_is_drawn_once_and_the_kept_markup_is_what_drawing_gives():
    """The second guest gets the markup kept from the first (a stand-in shows it is used); with
    nothing kept, the page drawn afresh is the same, tokens aside."""
    product = ProductFactory(price=Decimal("5.00"))
    first = guest_checkout_page(product)
    assert len(order_tags._blank_forms) == 1
    [key] = order_tags._blank_forms
    order_tags._blank_forms[key] = "kept markup stand-in"
    assert "kept markup stand-in" in guest_checkout_page(product)
    order_tags._blank_forms.clear()
    fresh = guest_checkout_page(product)
    assert fresh == first
    assert 'name="email"' in fresh and 'name="line1"' in fresh and 'name="comments"' in fresh


def test_each_guest_keeps_their_own_token_outside_the_kept_markup():
    """The token is drawn for each form: two sessions' pages carry their own."""
    product = ProductFactory(price=Decimal("5.00"))
    tokens = set()
    for _ in range(2):
        guest = Client()
        guest.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 1})
        tokens.add(guest.get("/checkout/google/").context["form"].initial["checkout_token"])
    assert len(tokens) == 2 and len(order_tags._blank_forms) == 1


def test_each_language_has_its_own_markup():
    """A blank form drawn in French after English is French, and the same as drawn afresh."""
    with translation.override("en"):
        english = draw(CheckoutForm(user=AnonymousUser(), initial={"country": "US"}))
    with translation.override("fr"):
        french = draw(CheckoutForm(user=AnonymousUser(), initial={"country": "US"}))
        order_tags._blank_forms.clear()
        assert draw(CheckoutForm(user=AnonymousUser(), initial={"country": "US"})) == french
    assert french != english and len(order_tags._blank_forms) == 1


def test_a_bound_form_and_other_initial_values_are_not_served_the_kept_markup():
    """Errors are drawn for the posted form; another initial country is another markup."""
    blank = draw(CheckoutForm(user=AnonymousUser(), initial={"country": "US"}))
    bound = CheckoutForm({**ADDRESS, "email": "not-an-email"}, user=AnonymousUser())
    assert "Enter a valid email" in draw(bound) and "Enter a valid email" not in blank
    canada = draw(CheckoutForm(user=AnonymousUser(), initial={"country": "CA"}))
    assert canada != blank and 'value="CA" selected' in canada


def test_a_setting_change_forgets_the_kept_markup():
    """Settings can change what a form draws (the renderer, the languages): kept markup goes."""
    draw(CheckoutForm(user=AnonymousUser(), initial={"country": "US"}))
    assert order_tags._blank_forms
    with override_settings(COLEMAN_CART_MAX_LINES=7):
        assert not order_tags._blank_forms
