"""factory_boy factories for the catalog (``coleman.products``), and a small catalog to search."""

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


def cranberry_catalog():
    """A small catalog with words worth searching for: two catalogs, three categories and six
    products (one discontinued) with distinct words; returns the products by short name."""
    fall = CatalogFactory(name="Fall Collection", slug="fall")
    gifts = CatalogFactory(name="Gift Baskets", slug="gifts")
    sauces = CategoryFactory(catalog=fall, name="Sauces", slug="sauces")
    drinks = CategoryFactory(catalog=fall, name="Drinks", slug="drinks")
    baskets = CategoryFactory(catalog=gifts, name="Baskets", slug="baskets")
    products = {
        "sauce": ProductFactory(
            category=sauces,
            name="Cranberry Sauce",
            slug="cranberry-sauce",
            description="Whole berry sauce, tart and bright, for the holiday table.",
            manufacturer="Bog Kitchens",
            price=Decimal("4.50"),
        ),
        "relish": ProductFactory(
            category=sauces,
            name="Orange Relish",
            slug="orange-relish",
            description="Chunky relish of oranges and fresh cranberries.",
            manufacturer="Bog Kitchens",
            price=Decimal("6.00"),
        ),
        "juice": ProductFactory(
            category=drinks,
            name="CranStore Cranberry Juice",
            slug="cranberry-juice",
            description="A refreshing cranberry cocktail.",
            manufacturer="CranStore",
            price=Decimal("3.25"),
        ),
        "cider": ProductFactory(
            category=drinks,
            name="Apple Cider",
            slug="apple-cider",
            description="Pressed apples, nothing else.",
            manufacturer="Orchard Hill",
            price=Decimal("5.00"),
        ),
        "basket": ProductFactory(
            category=baskets,
            name="Holiday Gift Basket",
            slug="holiday-basket",
            description="Sauce, relish and juice in a woven basket.",
            manufacturer="CranStore",
            price=Decimal("49.00"),
        ),
        "retired": ProductFactory(
            category=sauces,
            name="Discontinued Cranberry Chutney",
            slug="cranberry-chutney",
            description="Spiced cranberry chutney.",
            manufacturer="Bog Kitchens",
            price=Decimal("7.00"),
            is_active=False,
        ),
    }
    return products
