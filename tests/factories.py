"""factory_boy factories for the catalog, shared by every app's tests."""

from decimal import Decimal

import factory

from coleman.products.models import Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail


class CatalogFactory(factory.django.DjangoModelFactory):
    """A catalog with a unique slug."""

    class Meta:
        model = Catalog

    name = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")
    publisher = "CranStore.com"
    description = "Cranberry goods of the season."


class CategoryFactory(factory.django.DjangoModelFactory):
    """A top-level category (pass ``parent=`` for a sub-category)."""

    class Meta:
        model = CatalogCategory

    catalog = factory.SubFactory(CatalogFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """An active product with a price and untracked stock."""

    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Cranberry Thing {n}")
    slug = factory.Sequence(lambda n: f"cranberry-thing-{n}")
    description = "A fine cranberry product."
    manufacturer = "CranStore Kitchens"
    price = Decimal("9.99")


class AttributeFactory(factory.django.DjangoModelFactory):
    """A product attribute kind."""

    class Meta:
        model = ProductAttribute

    name = factory.Sequence(lambda n: f"Attribute {n}")


class DetailFactory(factory.django.DjangoModelFactory):
    """A product detail (attribute value)."""

    class Meta:
        model = ProductDetail

    product = factory.SubFactory(ProductFactory)
    attribute = factory.SubFactory(AttributeFactory)
    value = "Highly Tart"
