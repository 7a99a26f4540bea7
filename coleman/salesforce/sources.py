"""What the store offers Salesforce, per kind of record: the rows to send and their values.

Each source names the values a mapping (``COLEMAN_SALESFORCE_MAPPING``) may use, reads its
rows changed since a moment in one query per batch (``iterator``), and gives each row's
external id (``product-12``: stable across renames, unlike a slug) and values. Money and
times are sent as strings (``"4.50"``, ISO 8601), never floats.
"""

from django.apps import apps
from django.db.models import Q

from coleman.orders.models import Order
from coleman.products.models import Product


class Source:
    """The rows of one kind and the values Salesforce fields may be mapped to."""

    kind = ""
    values: tuple[str, ...] = ()

    def is_available(self) -> bool:
        """Whether the app holding these rows is installed."""
        return True

    def queryset(self, since=None):
        """Rows changed at or after ``since`` (all rows without it), in a stable order."""
        raise NotImplementedError

    def external_id(self, row) -> str:
        """The value of the external id field for ``row``."""
        return f"{self.kind.rstrip('s')}-{row.pk}"

    def label(self, row) -> str:
        """How the admin names the row."""
        return str(row)[:300]

    def value(self, row, name):
        """The value called ``name`` of ``row``, as JSON can carry it."""
        raise NotImplementedError


class ProductSource(Source):
    """Products, active or not (Salesforce keeps the flag)."""

    kind = "products"
    values = ("name", "slug", "description", "price", "manufacturer", "category", "catalog", "is_active", "stock")

    def queryset(self, since=None):
        products = Product.objects.select_related("category__catalog").order_by("pk")
        return products.filter(updated__gte=since) if since else products

    def value(self, row, name):
        if name == "price":
            return f"{row.price:.2f}"
        if name == "category":
            return row.category.name
        if name == "catalog":
            return row.category.catalog.name
        return getattr(row, name)


class CustomerSource(Source):
    """Customer profiles with their user's name and email (when ``coleman.customers`` is installed)."""

    kind = "customers"
    values = ("username", "first_name", "last_name", "email", "phone_number")

    def is_available(self):
        return apps.is_installed("coleman.customers")

    def queryset(self, since=None):
        from coleman.customers.models import Customer  # optional app

        customers = Customer.objects.select_related("user").order_by("pk")
        if since:
            customers = customers.filter(Q(updated__gte=since) | Q(user__date_joined__gte=since))
        return customers

    def label(self, row):
        return row.user.get_username()[:300]

    def value(self, row, name):
        user = row.user
        if name == "last_name":
            # Salesforce requires a contact's last name; fall back on the user name.
            return user.last_name or user.get_username()
        if name == "phone_number":
            return row.phone_number
        return getattr(user, name)


class OrderSource(Source):
    """Orders with their totals and status."""

    kind = "orders"
    values = ("number", "status", "total", "subtotal", "shipping", "currency", "placed_at", "email")

    def queryset(self, since=None):
        orders = Order.objects.order_by("pk")
        return orders.filter(updated_at__gte=since) if since else orders

    def label(self, row):
        return row.number

    def value(self, row, name):
        if name == "status":
            return row.status_id
        if name in ("total", "subtotal", "shipping"):
            return f"{getattr(row, name):.2f}"
        if name == "placed_at":
            return row.placed_at.isoformat()
        return getattr(row, name)


SOURCES = {source.kind: source for source in (ProductSource(), CustomerSource(), OrderSource())}
