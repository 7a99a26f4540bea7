"""Display currencies: a shopper chooses one from the short list; product and cart pages show
approximate amounts in it, formatted by the language's conventions; orders stay in dollars."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from coleman.currencies.models import ExchangeRate
from coleman.currencies.rates import approximate
from coleman.orders.models import Order
from tests.factories.orders import ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def euro(db):
    """1 USD = 0.92 EUR."""
    return ExchangeRate.objects.create(code="EUR", name="Euro", symbol="€", rate=Decimal("0.92"))


def choose(client, code, next_url="/cart/"):
    return client.post(reverse("currencies:choose"), {"currency": code, "next": next_url})


def test_product_and_cart_pages_show_approximate_amounts_in_the_chosen_currency(client, store, euro):
    """After choosing EUR: the candle page shows ≈ €12.88 (14.00 × 0.92) marked approximate; the
    cart shows its total (14.00 + 5.00 shipping = 19.00 → ≈ €17.48)."""
    assert choose(client, "eur", store.candle.get_absolute_url()).status_code == 302
    page = client.get(store.candle.get_absolute_url()).content.decode()
    assert "≈ €12.88 (approximate; you pay in the store's currency)" in page
    client.post(reverse("cart:add-item", args=[store.candle.pk]))
    cart = client.get(reverse("cart:detail")).content.decode()
    assert "Total ≈ €17.48" in cart and "$19.00" in cart


def test_orders_stay_in_the_store_currency(client, store, euro):
    """With EUR chosen, the order placed is in USD at the dollar total."""
    choose(client, "EUR")
    client.post(reverse("cart:add-item", args=[store.candle.pk]))
    page = client.get(reverse("payments:choose")).content.decode()
    token = page.split('name="checkout_token" value="')[1].split('"')[0]
    client.post(reverse("payments:choose"), dict(ADDRESS) | {"email": "a@example.com", "checkout_token": token})
    order = Order.objects.get()
    assert (order.currency, order.total) == ("USD", Decimal("19.00"))


@pytest.mark.parametrize("code", ["XXX", "eu", "€", "<b>"])
def test_an_unknown_currency_is_a_400_with_a_message(client, store, euro, code):
    """A code not on the list: 400 with a clear message; the choice is not kept."""
    response = choose(client, code)
    assert response.status_code == 400
    assert "please choose one of the listed currencies" in response.content.decode()
    assert "coleman_display_currency" not in client.session


def test_the_store_currency_only_clears_the_choice(client, store, euro):
    """Choosing "Store currency only" removes the approximate amounts."""
    choose(client, "EUR")
    choose(client, "")
    assert "≈" not in client.get(store.candle.get_absolute_url()).content.decode()


def test_formatting_follows_the_language():
    """1234.5 USD at 1 shows €1,234.50 in English and €1.234,50 in German."""
    rate = ("EUR", "€", Decimal("1"))
    with translation.override("en"):
        assert approximate(Decimal("1234.5"), rate) == "€1,234.50"
    with override_settings(USE_THOUSAND_SEPARATOR=True), translation.override("de"):
        assert approximate(Decimal("1234.5"), rate) == "€1.234,50"


def test_rates_load_from_a_file_and_bad_files_write_nothing(tmp_path, euro):
    """The command updates EUR and adds GBP; a file with a bad line changes nothing."""
    good = tmp_path / "rates.csv"
    good.write_text("code,rate,name,symbol\nEUR,0.95\nGBP,0.79,Pound sterling,£\n")
    call_command("load_exchange_rates", str(good))
    assert dict(ExchangeRate.objects.values_list("code", "rate")) == {"EUR": Decimal("0.95"), "GBP": Decimal("0.79")}
    bad = tmp_path / "bad.csv"
    bad.write_text("EUR,1.5\nDOLLARS,abc\n")
    with pytest.raises(CommandError, match="Line 2"):
        call_command("load_exchange_rates", str(bad))
    assert ExchangeRate.objects.get(code="EUR").rate == Decimal("0.95")


def test_the_rates_are_read_once_then_cached(client, store, euro):
    """The list of currencies (for the chooser) is read from the database once; later pages,
    with or without a choice, take it from the cache."""
    client.get(store.candle.get_absolute_url())
    choose(client, "EUR")
    with CaptureQueriesContext(connection) as queries:
        client.get(store.candle.get_absolute_url())
        client.get(reverse("cart:detail"))
    assert not [query for query in queries if "currencies_exchangerate" in query["sql"]]


def test_staff_edit_rates_in_the_admin(staff_client, euro):
    """The rates list opens for staff."""
    assert staff_client.get(reverse("admin:currencies_exchangerate_changelist")).status_code == 200


def test_cached_pages_for_returning_shoppers_are_kept_per_display_currency(client, store, euro, settings):
    """Whole pages cached for shoppers with cookies are kept per display currency: a shopper
    without a choice never sees another's euros, and the euro shopper keeps seeing them."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    url = store.candle.get_absolute_url()
    dollars = Client()
    dollars.post(reverse("cart:add-item", args=[store.juice.pk]))  # a returning shopper's cookies
    choose(client, "EUR", url)
    for _round in range(2):  # the second round is served from the cache
        assert "≈ €12.88" in client.get(url).content.decode()
        assert "≈ €" not in dollars.get(url).content.decode()
