"""What the API shows of each model, and what staff may write.

Only what the store's public pages show is exposed: no database ids, no user ids, no
passwords, no payment data, no checkout tokens. Money is a string with two decimals and a
``currency`` next to it (JSON numbers are floats to many clients).
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coleman.conf import coleman_settings
from coleman.orders.models import Order, OrderStatusChange, ProductInOrder
from coleman.orders.statuses import Status
from coleman.products.models import Catalog, CatalogCategory, Product

CATEGORY_PATH_HELP = "The category as 'catalog-slug/category-slug', e.g. 'fall-collection/gifts'."


class MoneyField(serializers.DecimalField):
    """An amount of money: a string with two decimals, never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


class CatalogSerializer(serializers.ModelSerializer):
    """A catalog."""

    url = serializers.SerializerMethodField(help_text="The catalog's page on the store.")

    class Meta:
        model = Catalog
        fields = ["name", "slug", "publisher", "description", "pub_date", "url"]

    def get_url(self, catalog) -> str:
        """The absolute address of the catalog's page."""
        return self.context["request"].build_absolute_uri(catalog.get_absolute_url())


class CategorySerializer(serializers.ModelSerializer):
    """A category of a catalog."""

    catalog = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    path = serializers.SerializerMethodField(help_text=CATEGORY_PATH_HELP)
    url = serializers.SerializerMethodField(help_text="The category's page on the store.")

    class Meta:
        model = CatalogCategory
        fields = ["name", "slug", "catalog", "parent", "path", "description", "url"]

    def get_path(self, category) -> str:
        """``catalog-slug/category-slug``."""
        return f"{category.catalog.slug}/{category.slug}"

    def get_url(self, category) -> str:
        """The absolute address of the category's page."""
        return self.context["request"].build_absolute_uri(category.get_absolute_url())


class ProductCategorySerializer(serializers.Serializer):
    """The category a product is in."""

    name = serializers.CharField()
    slug = serializers.SlugField()
    catalog = serializers.SlugField(source="catalog.slug")
    path = serializers.SerializerMethodField(help_text=CATEGORY_PATH_HELP)

    def get_path(self, category) -> str:
        """``catalog-slug/category-slug``."""
        return f"{category.catalog.slug}/{category.slug}"


class AttributeSerializer(serializers.Serializer):
    """One attribute of a product, such as Tartness: Highly Tart."""

    name = serializers.CharField(source="attribute.name")
    value = serializers.CharField()


class RatingSerializer(serializers.Serializer):
    """The product's star rating."""

    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True, coerce_to_string=True)
    count = serializers.IntegerField(min_value=0)


class ProductSerializer(serializers.ModelSerializer):
    """A product as shoppers see it."""

    price = MoneyField()
    currency = serializers.SerializerMethodField()
    category = ProductCategorySerializer(read_only=True)
    attributes = AttributeSerializer(source="details", many=True, read_only=True)
    photo = serializers.SerializerMethodField(help_text="Absolute URL of the photo, or null.")
    rating = serializers.SerializerMethodField(help_text="Average and number of star ratings (null without ratings).")
    in_stock = serializers.BooleanField(read_only=True, help_text="False when tracked stock has run out.")
    url = serializers.SerializerMethodField(help_text="The product's page on the store.")

    class Meta:
        model = Product
        fields = [
            "name",
            "slug",
            "description",
            "price",
            "currency",
            "category",
            "manufacturer",
            "attributes",
            "photo",
            "rating",
            "is_active",
            "is_featured",
            "in_stock",
            "created",
            "updated",
            "url",
        ]
        read_only_fields = fields

    def get_currency(self, product) -> str:
        """The store's currency (ISO 4217)."""
        return coleman_settings.CURRENCY

    def get_photo(self, product) -> str | None:
        """The photo's absolute URL."""
        return self.context["request"].build_absolute_uri(product.photo.url) if product.photo else None

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, product):
        """Average and count from the ratings app, when it is installed."""
        summaries = self.context.get("rating_summaries")
        if summaries is None:
            return None
        average, count = summaries.get(product.pk, (None, 0))
        return RatingSerializer({"average": average, "count": count}).data

    def get_url(self, product) -> str:
        """The absolute address of the product's page."""
        return self.context["request"].build_absolute_uri(product.get_absolute_url())


@extend_schema_field({"type": "string", "pattern": "^[-a-zA-Z0-9_]+/[-a-zA-Z0-9_]+$"})
class CategoryPathField(serializers.Field):
    """A category written as ``catalog-slug/category-slug``."""

    default_error_messages = {
        "invalid": "Give the category as 'catalog-slug/category-slug'.",
        "does_not_exist": "There is no category '{path}'.",
    }

    def to_representation(self, category):
        """``catalog-slug/category-slug``."""
        return f"{category.catalog.slug}/{category.slug}"

    def to_internal_value(self, data):
        """The category named by ``data``."""
        if not isinstance(data, str) or data.count("/") != 1 or "\x00" in data:
            self.fail("invalid")
        catalog_slug, slug = data.split("/")
        category = CatalogCategory.objects.select_related("catalog").filter(catalog__slug=catalog_slug, slug=slug)
        category = category.first()
        if category is None:
            self.fail("does_not_exist", path=data[:300])
        return category


class ProductWriteSerializer(serializers.ModelSerializer):
    """What staff send to create or change a product."""

    price = MoneyField(min_value=0)
    category = CategoryPathField(help_text=CATEGORY_PATH_HELP)

    class Meta:
        model = Product
        fields = [
            "name",
            "slug",
            "description",
            "price",
            "category",
            "manufacturer",
            "is_active",
            "is_featured",
            "weight",
            "stock",
        ]

    def to_representation(self, product):
        """Answer with the product as readers see it."""
        return ProductSerializer(product, context=self.context).data

    @transaction.atomic
    def save(self, **kwargs):
        """Save in one transaction."""
        return super().save(**kwargs)


class OrderLineSerializer(serializers.ModelSerializer):
    """One line of an order, as sold."""

    product = serializers.CharField(source="sku", help_text="The product's slug when it was sold.")
    unit_price = MoneyField()
    line_total = MoneyField()

    class Meta:
        model = ProductInOrder
        fields = ["name", "product", "unit_price", "quantity", "line_total"]


class StatusChangeSerializer(serializers.ModelSerializer):
    """One step of an order's history."""

    from_status = serializers.CharField(source="from_status_id", allow_null=True)
    to_status = serializers.CharField(source="to_status_id")

    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "note", "created_at"]


class OrderSerializer(serializers.ModelSerializer):
    """An order: lines, totals, shipping, status and history."""

    status = serializers.CharField(source="status_id", help_text="NEW, PAID, SHIPPED…")
    status_label = serializers.SerializerMethodField()
    subtotal = MoneyField()
    shipping = MoneyField()
    total = MoneyField()
    lines = OrderLineSerializer(many=True, read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)
    shipping_address = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "status_label",
            "placed_at",
            "currency",
            "subtotal",
            "shipping",
            "total",
            "shipping_method",
            "tracking_number",
            "email",
            "shipping_address",
            "lines",
            "history",
        ]
        read_only_fields = fields

    def get_status_label(self, order) -> str:
        """What the status means, in words."""
        return Status.label_for(order.status_id)

    def get_shipping_address(self, order) -> list[str]:
        """The address as printed on a label."""
        return order.shipping_address_lines
