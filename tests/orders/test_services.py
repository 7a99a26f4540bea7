"""Placing orders from a cart: atomicity, prices from the database, stock, duplicates."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError

from coleman.cart.cart import SESSION_KEY, VOUCHER_SESSION_KEY, Cart
from coleman.cart.models import SavedCart
from coleman.offers.models import Voucher
from coleman.orders import placing, services
from coleman.orders.exceptions import (
    DuplicateCheckout,
    EmptyCart,
    InsufficientStock,
    InvalidShippingDetails,
    ProductUnavailable,
)
from coleman.orders.models import Order, OrderStatusChange, ProductInOrder
from coleman.orders.signals import order_placed
from coleman.products.models import Product
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory
from tests.helpers import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_cart():
    """A cart with 2 × $3.50 jam (stock 5, 1.5 lb) and 1 × $10.00 sauce (stock untracked)."""
    request = make_request()
    cart = Cart(request)
    jam = ProductFactory(name="Jam", price=Decimal("3.50"), stock=5, weight=Decimal("1.5"))
    sauce = ProductFactory(name="Sauce", price=Decimal("10.00"))
    cart.add(jam, 2)
    cart.add(sauce, 1)
    return cart


def place(cart, address, **kwargs):
    kwargs.setdefault("email", "ada@example.com")
    return placing.make_order_from_cart(cart, shipping_address=address, **kwargs)


def test_order_records_lines_totals_and_address(filled_cart, address, django_capture_on_commit_callbacks):
    """The order snapshots names, prices and the address; totals include flat-rate shipping."""
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(filled_cart, address, user=user, comments="Ring twice")
    order.refresh_from_db()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", order.number)
    assert order.user == user and order.email == "ada@example.com"
    assert order.status_id == "NEW"
    assert (order.subtotal, order.shipping, order.total) == (
        Decimal("17.00"),
        Decimal("5.00"),
        Decimal("22.00"),
    )
    assert order.currency == "USD" and order.shipping_method == "Flat rate"
    assert order.comments == "Ring twice"
    assert order.shipping_address == address
    lines = [(line.name, line.unit_price, line.quantity, line.line_total) for line in order.lines.all()]
    assert lines == [
        ("Jam", Decimal("3.50"), 2, Decimal("7.00")),
        ("Sauce", Decimal("10.00"), 1, Decimal("10.00")),
    ]
    history = list(order.history.all())
    assert [(h.from_status_id, h.to_status_id, h.changed_by, h.actor) for h in history] == [
        (None, "NEW", user, user.username)
    ]


def test_prices_are_read_from_the_database_at_order_time(filled_cart, address):
    """A price changed after the cart was loaded is the price charged."""
    Product.objects.filter(name="Sauce").update(price=Decimal("12.00"))
    order = place(filled_cart, address)
    assert order.subtotal == Decimal("19.00")
    assert order.lines.get(name="Sauce").unit_price == Decimal("12.00")


def test_tracked_stock_is_reserved(filled_cart, address):
    """Placing the order takes the ordered units from tracked stock; untracked stock stays untracked."""
    order = place(filled_cart, address)
    assert Product.objects.get(name="Jam").stock == 3
    assert Product.objects.get(name="Sauce").stock is None
    assert {line.name: line.stock_reserved for line in order.lines.all()} == {"Jam": True, "Sauce": False}


def test_placing_an_order_keeps_the_cart_until_it_is_paid(filled_cart, address, django_capture_on_commit_callbacks):
    """Placing the order leaves the cart as it was (a declined payment must not lose it); the
    order remembers the session, and the cart is emptied when the order is paid."""
    filled_cart.request.session.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(filled_cart, address)
    assert filled_cart.count == 3
    assert order.cart_session_key == filled_cart.request.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(order, "PAID", by="test")
    stored = type(filled_cart.request.session)(session_key=order.cart_session_key)
    assert SESSION_KEY not in stored.load()
    order.refresh_from_db()
    assert order.cart_session_key == ""


def test_a_paid_order_empties_the_customers_saved_cart_and_voucher(address, django_capture_on_commit_callbacks):
    """A logged-in customer's paid order empties the session's cart with its voucher and the
    cart saved against their account, so the bought lines do not come back at the next login."""
    customer = UserFactory()
    request = make_request()
    request.user = customer
    cart = Cart(request)
    cart.add(ProductFactory(name="Jam", price=Decimal("3.50")), 2)
    Voucher.objects.create(code="CRANBERRY10", kind="percent", value=Decimal("10"))
    cart.set_voucher_code("CRANBERRY10")
    request.session.save()
    assert SavedCart.objects.get(user=customer).contents["items"]
    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, address, user=customer)
        services.transition(order, "PAID", by="test")
    stored = type(request.session)(session_key=request.session.session_key).load()
    assert SESSION_KEY not in stored and VOUCHER_SESSION_KEY not in stored
    saved = SavedCart.objects.get(user=customer)
    assert (saved.contents, saved.voucher_code) == ({}, "")


def test_placed_email_and_signal_are_sent_after_commit(filled_cart, address, django_capture_on_commit_callbacks):
    """The customer gets an "order received" email and order_placed fires, both after commit."""
    received = []
    order_placed.connect(lambda sender, order, **kw: received.append(order.number), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            order = place(filled_cart, address)
        assert received == [] and mail.outbox == []
        for callback in callbacks:
            callback()
    finally:
        order_placed.disconnect(dispatch_uid="t1")
    assert received == [order.number]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert order.number in message.subject and "received" in message.subject
    assert "2 x Jam @ $3.50 = $7.00" in message.body
    assert "Total: $22.00" in message.body


def test_a_failure_midway_leaves_no_order_and_the_cart_intact(filled_cart, address):
    """If saving the lines fails after stock was taken, nothing is written and the stock is back."""
    with mock.patch.object(ProductInOrder.objects, "bulk_create", side_effect=DatabaseError("disk full")):
        with pytest.raises(DatabaseError):
            place(filled_cart, address)
    assert Order.objects.count() == 0
    assert ProductInOrder.objects.count() == 0
    assert OrderStatusChange.objects.count() == 0
    assert Product.objects.get(name="Jam").stock == 5
    assert Cart(filled_cart.request).count == 3


def test_not_enough_stock_rolls_everything_back(filled_cart, address):
    """When a later line lacks stock, earlier lines' stock is restored and no order exists."""
    cart = filled_cart
    scarce = ProductFactory(name="Relish", stock=1)
    cart.add(scarce, 1)
    Product.objects.filter(pk=scarce.pk).update(stock=0)  # someone else bought it meanwhile
    with pytest.raises(InsufficientStock, match="Relish"):
        place(cart, address)
    assert Order.objects.count() == 0
    assert Product.objects.get(name="Jam").stock == 5
    assert len(cart.request.session[SESSION_KEY]["items"]) == 3  # the cart is untouched


def test_product_discontinued_before_checkout(filled_cart, address):
    """A product discontinued after the cart was read stops the order with a clear error."""
    list(filled_cart)
    Product.objects.filter(name="Sauce").update(is_active=False)
    with pytest.raises(ProductUnavailable, match="Sauce"):
        place(filled_cart, address)
    assert Order.objects.count() == 0


def test_empty_cart_and_bad_details_are_refused(cart, address):
    """An empty cart, a missing email or an incomplete address raise CheckoutErrors."""
    with pytest.raises(EmptyCart):
        place(cart, address)
    cart.add(ProductFactory())
    with pytest.raises(InvalidShippingDetails):
        place(cart, address, email="")
    with pytest.raises(InvalidShippingDetails, match="city"):
        place(cart, {**address, "city": " "})
    with pytest.raises(InvalidShippingDetails):
        place(cart, "12 Bog Road")
    with pytest.raises(InvalidShippingDetails, match="two-letter"):
        place(cart, {**address, "country": "USA"})
    with pytest.raises(InvalidShippingDetails, match="city"):
        place(cart, {**address, "city": "x" * 101})
    with pytest.raises(InvalidShippingDetails, match="email"):
        place(cart, address, email="a@" + "b" * 260)
    assert Order.objects.count() == 0


@pytest.fixture
def cart():
    """An empty cart over a fresh session."""
    return Cart(make_request())


def test_the_same_checkout_token_places_one_order(filled_cart, address):
    """A second order with an already-used checkout token raises DuplicateCheckout with the first order."""
    first = place(filled_cart, address, checkout_token="tok-123")
    with pytest.raises(DuplicateCheckout) as info:
        place(filled_cart, address, checkout_token="tok-123")
    assert info.value.order == first
    assert Order.objects.count() == 1
    assert Product.objects.get(name="Jam").stock == 3


def test_an_order_number_collision_draws_a_new_number(filled_cart, address):
    """If the random number is taken, another is drawn rather than failing the checkout."""
    taken = place(filled_cart, address)
    numbers = iter([taken.number, "ZZZZ-ZZZZ"])
    with mock.patch.object(placing, "generate_order_number", lambda: next(numbers)):
        second = place(filled_cart, address)
    assert second.number == "ZZZZ-ZZZZ"


@pytest.mark.django_db(transaction=True)
def test_in_its_own_transaction_a_taken_number_or_token_is_handled_without_a_savepoint(filled_cart, address):
    """Placed outside any transaction (as a view does), the order's INSERT has no savepoint: a taken
    number makes the whole placing run again with a new one (stock taken once), and a used
    checkout token raises DuplicateCheckout with the first order, leaving nothing written."""
    taken = place(filled_cart, address, checkout_token="tok-1")
    numbers = iter([taken.number, "ZZZZ-ZZZZ"])
    with mock.patch.object(placing, "generate_order_number", lambda: next(numbers)):
        second = place(filled_cart, address)
    assert second.number == "ZZZZ-ZZZZ"
    assert second.lines.count() == 2 and second.history.count() == 1
    assert Product.objects.get(name="Jam").stock == 1  # 5 - 2 - 2: the failed attempt took nothing
    with pytest.raises(DuplicateCheckout) as info:
        place(filled_cart, address, checkout_token="tok-1")
    assert info.value.order == taken
    assert Order.objects.count() == 2
    assert Product.objects.get(name="Jam").stock == 1


def test_guest_orders_have_no_user(filled_cart, address):
    """An anonymous user places a guest order with just an email."""
    from django.contrib.auth.models import AnonymousUser

    order = place(filled_cart, address, user=AnonymousUser(), email="guest@example.com")
    assert order.user is None and order.email == "guest@example.com"
    assert order.history.get().actor == "guest"
