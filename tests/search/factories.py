"""Catalog data for the search tests, with words worth searching for."""

from decimal import Decimal

from tests.factories import CatalogFactory, CategoryFactory, ProductFactory


def cranberry_catalog():
    """A small catalog: two catalogs, three categories, products with distinct words."""
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
