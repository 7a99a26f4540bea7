"""factory_boy factories for the orders app: orders, their lines, and a typed-in address."""

from decimal import Decimal

import factory

from coleman.orders.models import Order, OrderStatusChange, ProductInOrder
from coleman.orders.statuses import Status

from .products import ProductFactory
from .users import UserFactory

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Bog Road",
    "line2": "",
    "line3": "",
    "city": "Wareham",
    "state": "MA",
    "postal_code": "02571",
    "country": "US",
}


class OrderFactory(factory.django.DjangoModelFactory):
    """A NEW order for a customer, without lines (add them with ``LineFactory``)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda order: order.user.email if order.user else "guest@example.com")
    status_id = Status.NEW
    currency = "USD"
    subtotal = Decimal("9.99")
    shipping = Decimal("5.00")
    total = Decimal("14.99")
    shipping_method = "Flat rate"
    ship_name = ADDRESS["name"]
    ship_line1 = ADDRESS["line1"]
    ship_city = ADDRESS["city"]
    ship_state = ADDRESS["state"]
    ship_postal_code = ADDRESS["postal_code"]
    ship_country = ADDRESS["country"]

    @factory.post_generation
    def placed_history(self, create, extracted, **kwargs):
        if create:
            OrderStatusChange.objects.create(
                order=self, to_status_id=self.status_id, actor="test", note="Order placed."
            )


class LineFactory(factory.django.DjangoModelFactory):
    """An order line for a product, priced as the product is."""

    class Meta:
        model = ProductInOrder

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    name = factory.LazyAttribute(lambda line: line.product.name)
    sku = factory.LazyAttribute(lambda line: line.product.slug)
    unit_price = factory.LazyAttribute(lambda line: line.product.price)
    quantity = 1
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)
