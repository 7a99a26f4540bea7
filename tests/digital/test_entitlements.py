"""Entitlements: granted once when an order with digital lines is paid, lost when it is
cancelled or refunded; license keys handed out once; shipping and stock for digital lines."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase

from coleman.cart.cart import Cart
from coleman.digital import services
from coleman.digital.models import Entitlement, LicenseKey
from coleman.orders.placing import make_order_from_cart
from coleman.orders.shipping import FlatRateShipping, PerItemShipping
from coleman.payments.models import PaymentTransaction
from coleman.products.models import Product
from tests.factories.digital import AssetFactory, DigitalProductFactory, move, order_with, pay
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory
from tests.helpers import make_request

pytestmark = pytest.mark.django_db


def test_paying_grants_one_entitlement_per_digital_line():
    """Only digital lines get an entitlement, opened with the default limit, once paid."""
    ebook, jam = AssetFactory().product, ProductFactory()
    order = order_with(ebook, jam)
    assert not Entitlement.objects.exists()
    pay(order)
    entitlement = Entitlement.objects.get()
    assert entitlement.product == ebook and entitlement.order == order and entitlement.user == order.user
    assert entitlement.download_limit == 5 and entitlement.downloads_used == 0
    assert entitlement.activated_at is not None and entitlement.is_usable


def test_granting_again_changes_nothing():
    """The receiver may run again (repeated notifications, a later SHIPPED): nothing is added."""
    order = pay(order_with(AssetFactory().product))
    first = Entitlement.objects.get()
    services.grant_for_order(order)
    move(order, "SHIPPED")
    assert list(Entitlement.objects.all()) == [first]


def test_unpaid_orders_open_nothing():
    """An entitlement created before payment (a processor asked for its key) does not open."""
    order = order_with(AssetFactory().product)
    (entitlement,) = services.grant_for_order(order)
    assert entitlement.activated_at is None
    assert entitlement.unavailable_reason() == "Downloads open once the payment is confirmed."


@pytest.mark.parametrize("settings_limit", [None, 2])
def test_limit_and_expiry_come_from_the_settings(settings, settings_limit):
    """COLEMAN_DIGITAL_DOWNLOAD_LIMIT (None: no limit) and _ACCESS_DAYS shape new entitlements."""
    settings.COLEMAN_DIGITAL_DOWNLOAD_LIMIT = settings_limit
    settings.COLEMAN_DIGITAL_ACCESS_DAYS = 10
    pay(order_with(AssetFactory().product))
    entitlement = Entitlement.objects.get()
    assert entitlement.download_limit == settings_limit
    assert (entitlement.expires_at - entitlement.activated_at).days == 10


def test_cancelling_a_paid_order_revokes_access():
    """A cancelled order's purchases are withdrawn and say so."""
    order = pay(order_with(AssetFactory().product))
    move(order, "CANCELLED")
    entitlement = Entitlement.objects.get()
    assert entitlement.revoked_at is not None and entitlement.revoke_reason == "Order cancelled."
    assert entitlement.unavailable_reason() == "Access to this purchase was withdrawn."


def test_an_order_flagged_for_attention_pauses_access():
    """EXCEPTION (a chargeback, a disputed payment) closes downloads until staff settle it."""
    order = pay(order_with(AssetFactory().product))
    move(order, "EXCEPTION")
    entitlement = Entitlement.objects.get()
    assert not entitlement.is_usable
    move(order, "PAID")
    entitlement.refresh_from_db()
    assert entitlement.is_usable


def test_a_full_refund_revokes_and_a_partial_one_does_not():
    """Refund transactions that reach the order's total withdraw its purchases."""
    order = pay(order_with(AssetFactory().product))
    with TestCase.captureOnCommitCallbacks(execute=True):
        PaymentTransaction.objects.create(
            order=order, processor="amazon", kind="refund", reference="r1", status="succeeded", amount=Decimal("1.00")
        )
    assert Entitlement.objects.get().revoked_at is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        PaymentTransaction.objects.create(
            order=order, processor="amazon", kind="refund", reference="r2", status="succeeded", amount=order.total
        )
    assert Entitlement.objects.get().revoke_reason == "Order refunded."


def test_license_keys_are_handed_out_once_and_tracked_as_stock():
    """Keys in a pool count as stock; each paid unit takes a different key, never reused."""
    product = DigitalProductFactory()
    assert services.add_license_keys(product, ["AAAA-1", "BBBB-2", "CCCC-3", "AAAA-1", " "]) == 3
    assert services.add_license_keys(product, ["AAAA-1"]) == 0
    product.refresh_from_db()
    assert product.stock == 3
    first = pay(order_with(product, quantity=2))
    second = pay(order_with(product))
    first_keys = set(first.entitlements.get().license_keys.values_list("key", flat=True))
    second_keys = set(second.entitlements.get().license_keys.values_list("key", flat=True))
    assert len(first_keys) == 2 and len(second_keys) == 1 and not first_keys & second_keys
    assert not LicenseKey.objects.filter(entitlement__isnull=True).exists()


def test_delivered_keys_stay_out_of_stock_after_cancellation_unpaid_ones_return():
    """Cancelling after payment keeps the delivered keys out of the pool (and out of stock);
    cancelling before payment puts reserved keys back."""
    product = DigitalProductFactory(stock=None)
    services.generate_license_keys(product, 2)
    paid = pay(order_with(product))
    paid.lines.update(stock_reserved=True)  # as make_order_from_cart reserves tracked stock
    services.grant_for_order(paid)
    move(paid, "CANCELLED")
    assert LicenseKey.objects.filter(entitlement__isnull=True).count() == 1

    unpaid = order_with(product)
    services.grant_for_order(unpaid)
    assert LicenseKey.objects.filter(entitlement__isnull=True).count() == 0
    move(unpaid, "CANCELLED")
    assert LicenseKey.objects.filter(entitlement__isnull=True).count() == 1


def test_running_out_of_keys_tells_the_managers(settings):
    """A purchase that finds the pool empty is still granted, and the managers are emailed."""
    settings.MANAGERS = [("Shop", "shop@example.com")]
    product = DigitalProductFactory()
    services.add_license_keys(product, ["ONLY-ONE"])
    pay(order_with(product, quantity=2))
    assert Entitlement.objects.get().license_keys.count() == 1
    assert any("License keys ran out" in message.subject for message in mail.outbox)


def test_generated_keys_look_like_the_books():
    """Generated keys are four groups of four digits, all different."""
    product = DigitalProductFactory()
    services.generate_license_keys(product, 50)
    keys = list(LicenseKey.objects.values_list("key", flat=True))
    assert len(set(keys)) == 50
    assert all(len(key) == 19 and key.replace("-", "").isdigit() and key.count("-") == 3 for key in keys)


def test_withdrawing_unused_keys_keeps_handed_out_ones_and_the_stock_right():
    """Staff withdraw free keys (stock goes down with them); keys held by a purchase stay."""
    product = DigitalProductFactory()
    services.add_license_keys(product, ["K-1", "K-2", "K-3"])
    pay(order_with(product))
    assert services.withdraw_unused_keys(LicenseKey.objects.all()) == 2
    assert LicenseKey.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 1


def test_shipping_leaves_digital_lines_out(settings):
    """Digital lines add no shipping; a cart of only digital goods ships for nothing."""
    settings.COLEMAN_SHIPPING_FLAT_RATE = "5.00"
    settings.COLEMAN_SHIPPING_PER_ITEM = "1.50"
    ebook, jam = DigitalProductFactory(), ProductFactory()

    class Line:
        def __init__(self, product, quantity):
            self.product, self.quantity = product, quantity
            self.line_total = product.price * quantity
            self.weight = Decimal("0")

    assert FlatRateShipping().quote([Line(ebook, 1)]) == Decimal("0.00")
    assert FlatRateShipping().quote([Line(ebook, 1), Line(jam, 1)]) == Decimal("5.00")
    assert PerItemShipping().quote([Line(ebook, 4), Line(jam, 2)]) == Decimal("3.00")


def test_an_all_digital_order_is_placed_without_shipping_charge(client):
    """Checking out a cart of a digital product charges no shipping (stock is not tracked)."""
    ebook = DigitalProductFactory(price=Decimal("12.00"))
    cart = Cart(make_request())
    cart.add(ebook, 1)
    order = make_order_from_cart(cart, email="ada@example.com", shipping_address=ADDRESS, user=UserFactory())
    assert order.shipping == Decimal("0.00") and order.total == Decimal("12.00")
    assert Product.objects.get(pk=ebook.pk).stock is None
