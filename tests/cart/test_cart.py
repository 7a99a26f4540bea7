"""The session cart: Decimal arithmetic, quantity validation, JSON-only storage, tampering."""

import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coleman.cart.cart import SESSION_KEY, Cart, parse_quantity
from coleman.cart.exceptions import InvalidQuantity, OutOfStock, UnknownItem
from tests.factories.products import ProductFactory
from tests.helpers import make_request

pytestmark = pytest.mark.django_db


class DictSession(dict):
    """A session that is a plain dict, so a test can count only the cart's own queries."""

    modified = False


def messages_of(request):
    return [str(message) for message in get_messages(request)]


def test_subtotal_is_exact_decimal_arithmetic(cart):
    """Ten-cent items add up to exact cents (no float drift) and totals are Decimals."""
    dime = ProductFactory(price=Decimal("0.10"))
    fifth = ProductFactory(price=Decimal("0.20"))
    cart.add(dime, 3)
    cart.add(fifth, 1)
    assert cart.subtotal == Decimal("0.50")
    assert isinstance(cart.subtotal, Decimal)
    assert [item.line_total for item in cart] == [Decimal("0.30"), Decimal("0.20")]
    assert cart.count == 4
    assert len(cart) == 2


def test_prices_come_from_the_database_not_the_session(cart_request):
    """A price change in the catalog shows in the cart on the next request."""
    product = ProductFactory(price=Decimal("4.00"))
    Cart(cart_request).add(product, 2)
    product.price = Decimal("5.25")
    product.save()
    assert Cart(cart_request).subtotal == Decimal("10.50")


def test_adding_a_product_again_adds_units_to_its_line(cart):
    """The same product twice makes one line with the sum of the quantities."""
    product = ProductFactory()
    first = cart.add(product, 2)
    second = cart.add(product, 3)
    assert first.item_id == second.item_id
    assert [(item.product, item.quantity) for item in cart] == [(product, 5)]


def test_item_ids_are_unique_and_never_reused(cart):
    """Each line gets its own id; removing a line does not hand its id to the next one."""
    a, b = ProductFactory(), ProductFactory()
    line_a = cart.add(a)
    cart.remove(line_a.item_id)
    line_b = cart.add(b)
    assert line_b.item_id != line_a.item_id


def test_remove_and_set_quantity(cart):
    """Removing takes the line out; setting a quantity replaces it; 0 removes the line."""
    a, b = ProductFactory(), ProductFactory()
    line_a = cart.add(a)
    line_b = cart.add(b)
    cart.set_quantity(line_a.item_id, 7)
    assert cart.get_item(line_a.item_id).quantity == 7
    cart.remove(line_b.item_id)
    assert [item.product for item in cart] == [a]
    cart.set_quantity(line_a.item_id, 0)
    assert cart.is_empty


def test_unknown_item_ids_raise(cart):
    """Removing or updating an id that is not in the cart raises UnknownItem."""
    cart.add(ProductFactory())
    with pytest.raises(UnknownItem):
        cart.remove("999")
    with pytest.raises(UnknownItem):
        cart.set_quantity("abc", 1)


@pytest.mark.parametrize(
    "value",
    ["0", "-1", "-5", "abc", "1.5", "1e3", "", " ", "+3", "0x10", "999999999999", True, 0, -2, 100, 2.0],
)
def test_bad_quantities_are_refused(value):
    """Zero, negative, non-numeric, fractional and too-large quantities raise InvalidQuantity."""
    with pytest.raises(InvalidQuantity):
        parse_quantity(value)


def test_good_quantities_are_parsed():
    """Whole numbers between 1 and the maximum are accepted, with or without spaces."""
    assert parse_quantity("3") == 3
    assert parse_quantity(" 12 ") == 12
    assert parse_quantity(99) == 99
    assert parse_quantity("0", allow_zero=True) == 0


@override_settings(COLEMAN_CART_MAX_QUANTITY=5)
def test_the_maximum_comes_from_the_setting(cart):
    """COLEMAN_CART_MAX_QUANTITY caps one line, also across repeated adds."""
    product = ProductFactory()
    cart.add(product, 5)
    with pytest.raises(InvalidQuantity):
        cart.add(product, 1)
    with pytest.raises(InvalidQuantity):
        parse_quantity("6")


def test_tracked_stock_limits_quantities(cart):
    """A product with stock cannot be added beyond it; sold-out and inactive products cannot be added."""
    product = ProductFactory(stock=3)
    cart.add(product, 2)
    with pytest.raises(OutOfStock):
        cart.add(product, 2)
    with pytest.raises(OutOfStock):
        cart.set_quantity(cart.get_item("1").item_id, 4)
    with pytest.raises(OutOfStock):
        cart.add(ProductFactory(stock=0))
    with pytest.raises(OutOfStock):
        cart.add(ProductFactory(is_active=False))
    assert cart.count == 2


def test_session_holds_only_json(cart_request):
    """The session keeps ids and quantities as plain JSON, and survives a save and reload."""
    product = ProductFactory()
    Cart(cart_request).add(product, 2)
    raw = cart_request.session[SESSION_KEY]
    assert json.loads(json.dumps(raw)) == raw
    assert raw == {"next_id": 2, "items": [{"id": "1", "product": product.pk, "quantity": 2}]}
    cart_request.session.save()
    reloaded = make_request(SessionStore(session_key=cart_request.session.session_key))
    assert [(i.product, i.quantity) for i in Cart(reloaded)] == [(product, 2)]


def test_products_are_loaded_in_one_query(django_assert_num_queries):
    """However many lines, reading the cart costs one query for the products (plus one for the
    running offers when they are not cached); an empty cart costs none."""
    request = make_request(DictSession())
    products = ProductFactory.create_batch(20)
    cart = Cart(request)
    for product in products:
        cart.add(product)
    with django_assert_num_queries(1):
        fresh = Cart(request)
        assert fresh.count == 20
        assert fresh.subtotal == Decimal("9.99") * 20
    cache.clear()
    with django_assert_num_queries(2):
        assert Cart(request).subtotal == Decimal("9.99") * 20
    with django_assert_num_queries(0):
        assert Cart(make_request(DictSession())).is_empty


def test_discontinued_and_deleted_products_drop_out_with_a_message(cart_request):
    """A product made inactive or deleted leaves the cart, and the shopper is told."""
    kept, discontinued, deleted = ProductFactory(), ProductFactory(name="Old Jam"), ProductFactory()
    cart = Cart(cart_request)
    for product in (kept, discontinued, deleted):
        cart.add(product)
    discontinued.is_active = False
    discontinued.save()
    deleted.delete()
    fresh = Cart(cart_request)
    assert [item.product for item in fresh] == [kept]
    assert len(cart_request.session[SESSION_KEY]["items"]) == 1
    notes = messages_of(cart_request)
    assert "Old Jam is no longer available and was removed from your cart." in notes
    assert "An item that is no longer sold was removed from your cart." in notes


def test_quantities_above_current_stock_are_lowered_with_a_message(cart_request):
    """When stock falls below a line's quantity the line is trimmed (or dropped at zero)."""
    trimmed, sold_out = ProductFactory(stock=10, name="Sauce"), ProductFactory(stock=5, name="Juice")
    cart = Cart(cart_request)
    cart.add(trimmed, 6)
    cart.add(sold_out, 2)
    trimmed.stock = 4
    trimmed.save()
    sold_out.stock = 0
    sold_out.save()
    fresh = Cart(cart_request)
    assert [(i.product, i.quantity) for i in fresh] == [(trimmed, 4)]
    notes = messages_of(cart_request)
    assert any("Only 4 of Sauce left" in note for note in notes)
    assert any("Juice is sold out" in note for note in notes)


def test_total_weight_counts_missing_weights_as_zero(cart):
    """Weights add up as Decimals; products without a weight count 0."""
    cart.add(ProductFactory(weight=Decimal("1.250")), 2)
    cart.add(ProductFactory(weight=None), 3)
    assert cart.total_weight == Decimal("2.500")


@pytest.mark.parametrize(
    "tampered",
    [
        "not a dict",
        ["a", "list"],
        {"items": "nope"},
        {"items": [1, 2, 3]},
        {"items": [{"id": 1, "product": 1, "quantity": 1}]},
        {"items": [{"id": "1", "product": "1", "quantity": 1}]},
        {"items": [{"id": "1", "product": 1, "quantity": -4}]},
        {"items": [{"id": "1", "product": 1, "quantity": 1.5}]},
        {"items": [{"id": "1", "product": 1, "quantity": True}]},
        {"items": [{"id": "../x", "product": 1, "quantity": 1}]},
        {"items": [{"product": 1}]},
        None,
    ],
)
def test_tampered_session_data_is_discarded(cart_request, tampered):
    """Malformed cart data in the session gives an empty, repaired cart, never an error."""
    ProductFactory(pk=1)
    cart_request.session[SESSION_KEY] = tampered
    cart = Cart(cart_request)
    assert cart.is_empty
    assert cart.subtotal == Decimal("0.00")
    stored = cart_request.session[SESSION_KEY]
    assert stored is None or stored["items"] == []


def test_tampered_entries_are_repaired_and_good_ones_kept(cart_request):
    """Duplicates are dropped, huge quantities capped at the maximum, next_id fixed."""
    product, other = ProductFactory(), ProductFactory()
    cart_request.session[SESSION_KEY] = {
        "next_id": -3,
        "items": [
            {"id": "4", "product": product.pk, "quantity": 10**12},
            {"id": "4", "product": other.pk, "quantity": 1},
            {"id": "5", "product": product.pk, "quantity": 1},
        ],
    }
    cart = Cart(cart_request)
    assert [(i.item_id, i.product, i.quantity) for i in cart] == [("4", product, 99)]
    assert cart.add(other).item_id == "5"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
cart_like = st.fixed_dictionaries(
    {
        "next_id": json_values,
        "items": st.lists(
            st.fixed_dictionaries({"id": json_values, "product": json_values, "quantity": json_values}),
            max_size=4,
        ),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(json_values, cart_like))
def test_any_json_in_the_session_gives_a_usable_cart(data):
    """Whatever JSON sits under the cart's session key, the cart reads, totals and saves without error."""
    request = make_request(DictSession({SESSION_KEY: data}))
    cart = Cart(request)
    assert cart.subtotal >= 0
    assert cart.count >= 0
    json.dumps(request.session.get(SESSION_KEY))


@override_settings(COLEMAN_CART_MAX_LINES=2)
def test_the_number_of_lines_is_capped(cart_request):
    """A third product is refused when COLEMAN_CART_MAX_LINES is 2; more units of a line still fit;
    a session stuffed with more lines is cut back."""
    from coleman.cart.exceptions import CartFull

    a, b, c = ProductFactory.create_batch(3)
    cart = Cart(cart_request)
    cart.add(a)
    cart.add(b)
    with pytest.raises(CartFull):
        cart.add(c)
    cart.add(a, 2)
    cart_request.session[SESSION_KEY]["items"].append({"id": "9", "product": c.pk, "quantity": 1})
    assert len(Cart(cart_request)) == 2


def test_non_ascii_digits_are_not_quantities():
    """Arabic-Indic and other Unicode digits are refused like any other non-number."""
    with pytest.raises(InvalidQuantity):
        parse_quantity("٣")
