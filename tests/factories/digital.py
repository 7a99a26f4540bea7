"""Factories and helpers for the digital app's tests."""

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import TestCase

from coleman.digital.models import DigitalAsset, SubscriptionPlan
from coleman.orders.models import ProductInOrder
from coleman.orders.services import transition
from tests.factories.orders import OrderFactory
from tests.factories.products import ProductFactory

PDF_BYTES = b"%PDF-1.4\n% The CranStore Cookbook (test)\n" + bytes(range(256)) * 8


class DigitalProductFactory(ProductFactory):
    """A digital product (no shipping, untracked stock)."""

    is_digital = True
    name = factory.Sequence(lambda n: f"Cranberry e-book {n}")
    slug = factory.Sequence(lambda n: f"cranberry-ebook-{n}")


class AssetFactory(factory.django.DjangoModelFactory):
    """A downloadable file saved through the asset storage (local or S3, as configured)."""

    class Meta:
        model = DigitalAsset

    product = factory.SubFactory(DigitalProductFactory)
    title = factory.Sequence(lambda n: f"Cookbook part {n} (PDF)")
    file = factory.LazyAttribute(lambda asset: ContentFile(PDF_BYTES, name="cookbook.pdf"))
    content_type = "application/pdf"
    size = len(PDF_BYTES)


class PlanFactory(factory.django.DjangoModelFactory):
    """A subscription plan granting the "Members" group for 30 days."""

    class Meta:
        model = SubscriptionPlan

    product = factory.SubFactory(DigitalProductFactory, name=factory.Sequence(lambda n: f"Growers' Club {n}"))
    period_days = 30
    group = factory.LazyFunction(lambda: Group.objects.get_or_create(name="Members")[0])


def order_with(*products, user=None, guest_email=None, quantity=1, status="NEW"):
    """An order holding one line per product (``quantity`` each), moved to ``status``."""
    kwargs = {"user": None, "email": guest_email} if guest_email else ({"user": user} if user else {})
    order = OrderFactory(**kwargs)
    for product in products:
        ProductInOrder.objects.create(
            order=order,
            product=product,
            name=product.name,
            sku=product.slug,
            unit_price=product.price,
            quantity=quantity,
            line_total=product.price * quantity,
        )
    if status != "NEW":
        move(order, status)
    return order


def move(order, status):
    """Move ``order`` to ``status`` through the pipeline and run what waits for the commit
    (emails, ``order_status_changed`` receivers), as a real request would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        transition(order, status, by="payments: tests")
    return order


def pay(order):
    """Move ``order`` to PAID the way a payment service does."""
    return move(order, "PAID")
