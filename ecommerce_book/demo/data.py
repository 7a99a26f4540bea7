"""The CranStore.com demo catalog of the book, as data: catalogs and their category trees,
attribute kinds, and products with how to draw their pictures.

Everything here is plain tables; :mod:`.loader` turns them into rows. To add demo data, add
rows to a table (a product to ``PRODUCTS``…) or a new table beside them, with its loading
step in :mod:`.loader`.
"""

from dataclasses import dataclass, field

PUBLISHER = "CranStore.com"


@dataclass(frozen=True)
class DemoCategory:
    """A category of the demo catalog, with its sub-categories."""

    name: str
    slug: str
    description: str = ""
    children: tuple = ()


@dataclass(frozen=True)
class DemoProduct:
    """A product of the demo catalog and how to draw its picture."""

    catalog: str
    category: str
    name: str
    slug: str
    price: str
    description: str
    art: str
    colour: str
    manufacturer: str = "CranStore Kitchens"
    weight: str | None = None
    stock: int | None = None
    featured: bool = False
    active: bool = True
    details: dict = field(default_factory=dict)


CATALOGS = {
    "standard-collection": {
        "name": "Standard Collection",
        "description": "Our year-round selection of cranberry foods, drinks, desserts and gifts, "
        "straight from the bog.",
        "categories": (
            DemoCategory("Food", "food", "Preserves, sauces and berries for the pantry."),
            DemoCategory(
                "Drinks",
                "drinks",
                "Juices, ciders and teas.",
                (
                    DemoCategory("Juices", "juices", "Pressed from whole berries."),
                    DemoCategory("Teas", "teas", "Dried cranberry blends for the kettle."),
                ),
            ),
            DemoCategory("Desserts", "desserts", "Baked, dipped and sweetened."),
            DemoCategory(
                "Gifts",
                "gifts",
                "Souvenirs of the bog.",
                (
                    DemoCategory("Candles", "candles", "Hand-poured and cranberry scented."),
                    DemoCategory("Apparel", "apparel", "Shirts and hats for berry fans."),
                ),
            ),
        ),
    },
    "fall-collection": {
        "name": "Fall Collection",
        "description": "Harvest-time specials: the bog is red, the berries are in, and the gift "
        "shop is open for the season.",
        "categories": (
            DemoCategory("Food", "food", "Harvest-table favourites."),
            DemoCategory("Desserts", "desserts", "Pies and breads of the season."),
            DemoCategory(
                "Gifts",
                "gifts",
                "Holiday gifts and decorations.",
                (
                    DemoCategory("Candles", "candles", "Scents of the harvest."),
                    DemoCategory("Apparel", "apparel", "Harvest festival wear."),
                    DemoCategory("Decorations", "decorations", "Garland and ornaments of dried berries."),
                ),
            ),
        ),
    },
}

ATTRIBUTES = {
    "Tartness": "How sharp the berries taste, from mildly to extremely tart.",
    "Size": "Jar, bottle or garment size.",
    "Scent": "What a candle smells like.",
    "Material": "What an item is made of.",
    "Burn time": "How long a candle burns.",
}

S, F = "standard-collection", "fall-collection"
PRODUCTS = (
    DemoProduct(
        S,
        "food",
        "Cranberry Preserves",
        "cranberry-preserves",
        "4.50",
        "Tasty jam made from cranberries, cooked in small batches with cane sugar.",
        "jar",
        "#a4133c",
        weight="1.10",
        stock=120,
        featured=True,
        details={"Tartness": "Extremely Tart", "Size": "12 oz jar"},
    ),
    DemoProduct(
        S,
        "food",
        "Premium Cranberries",
        "premium-cranberries",
        "7.99",
        "Hand-picked berries from special seedlings bred over years on our bog.",
        "berries",
        "#c9184a",
        weight="1.00",
        stock=60,
        featured=True,
        details={"Tartness": "Highly Tart", "Size": "1 lb bag"},
    ),
    DemoProduct(
        S,
        "food",
        "Dried Cranberries",
        "dried-cranberries",
        "5.25",
        "Lightly sweetened dried berries for salads, granola and snacking.",
        "berries",
        "#8c1c3a",
        weight="0.50",
        details={"Tartness": "Mildly Tart"},
    ),
    DemoProduct(
        S,
        "food",
        "Whole Berry Cranberry Sauce",
        "whole-berry-cranberry-sauce",
        "3.75",
        "Our classic sauce with whole berries and a hint of orange zest.",
        "jar",
        "#b5179e",
        weight="1.00",
        details={"Size": "14 oz jar"},
    ),
    DemoProduct(
        S,
        "food",
        "Cranberry Mustard",
        "cranberry-mustard",
        "4.95",
        "Stone-ground mustard sharpened with cranberry. Made for sandwiches.",
        "jar",
        "#d4a017",
        weight="0.60",
        manufacturer="Bogside Condiments",
    ),
    DemoProduct(
        S,
        "juices",
        "Cranberry Juice",
        "cranberry-juice",
        "3.99",
        "Pure pressed cranberry juice, unsweetened and bracing.",
        "bottle",
        "#9d0208",
        weight="2.40",
        stock=200,
        featured=True,
        details={"Tartness": "Highly Tart", "Size": "1 quart"},
    ),
    DemoProduct(
        S,
        "juices",
        "Cranberry Apple Juice",
        "cranberry-apple-juice",
        "3.79",
        "Cranberries and orchard apples, pressed together.",
        "bottle",
        "#e85d04",
        weight="2.40",
        details={"Size": "1 quart"},
    ),
    DemoProduct(
        S,
        "drinks",
        "Sparkling Cranberry Cider",
        "sparkling-cranberry-cider",
        "6.50",
        "A festive non-alcoholic sparkler for the holiday table.",
        "bottle",
        "#6a040f",
        weight="3.20",
        manufacturer="Cape Cider Works",
    ),
    DemoProduct(
        S,
        "teas",
        "Cranberry Hibiscus Tea",
        "cranberry-hibiscus-tea",
        "8.00",
        "Twenty sachets of dried cranberry, hibiscus and rose hip.",
        "cup",
        "#7b2cbf",
        weight="0.30",
        stock=3,
    ),
    DemoProduct(
        S,
        "desserts",
        "Chocolate Covered Cranberries",
        "chocolate-covered-cranberries",
        "6.99",
        "Dried cranberries dipped in dark chocolate.",
        "berries",
        "#5a3825",
        weight="0.50",
        featured=True,
        manufacturer="Marsh Confectioners",
    ),
    DemoProduct(
        S,
        "desserts",
        "Cranberry Orange Scones",
        "cranberry-orange-scones",
        "9.50",
        "A box of six tender scones, baked the morning they ship.",
        "pie",
        "#f48c06",
        weight="1.20",
        stock=24,
    ),
    DemoProduct(
        S,
        "candles",
        "Cranberry Scented Candle",
        "cranberry-scented-candle",
        "14.00",
        "Our very popular candle: soy wax, cotton wick, the smell of the harvest.",
        "candle",
        "#d00000",
        weight="1.50",
        stock=40,
        featured=True,
        details={"Scent": "Tart cranberry", "Burn time": "45 hours", "Material": "Soy wax"},
    ),
    DemoProduct(
        S,
        "apparel",
        "CranStore T-shirt",
        "cranstore-t-shirt",
        "18.00",
        "Soft cotton tee with the CranStore berry on the chest.",
        "shirt",
        "#a4133c",
        weight="0.40",
        manufacturer="Bog Threads",
        details={"Material": "100% cotton", "Size": "S, M, L, XL"},
    ),
    DemoProduct(
        S,
        "apparel",
        "Bog Explorer Hat",
        "bog-explorer-hat",
        "16.00",
        "A wide-brimmed hat for a sunny day on the cranberry bog.",
        "hat",
        "#386641",
        weight="0.30",
        manufacturer="Bog Threads",
    ),
    DemoProduct(
        S,
        "gifts",
        "Cranberry Mouse Pad",
        "cranberry-mouse-pad",
        "7.00",
        "A mouse pad printed with the bog at harvest. No longer made.",
        "box",
        "#495057",
        weight="0.20",
        active=False,
    ),
    DemoProduct(
        F,
        "food",
        "Harvest Cranberry Relish",
        "harvest-cranberry-relish",
        "5.50",
        "Fresh relish of raw cranberries, orange and pecans, for the harvest table.",
        "jar",
        "#9a031e",
        weight="1.00",
        stock=80,
        details={"Tartness": "Highly Tart"},
    ),
    DemoProduct(
        F,
        "desserts",
        "Cranberry Pecan Pie",
        "cranberry-pecan-pie",
        "22.00",
        "A deep-dish pie of cranberries and toasted pecans, baked to order.",
        "pie",
        "#9c6644",
        weight="3.00",
        stock=12,
        featured=True,
        manufacturer="Marsh Confectioners",
    ),
    DemoProduct(
        F,
        "desserts",
        "Cranberry Nut Bread",
        "cranberry-nut-bread",
        "8.75",
        "Moist quick bread studded with berries and walnuts.",
        "pie",
        "#bc6c25",
        weight="1.50",
    ),
    DemoProduct(
        F,
        "candles",
        "Harvest Candle Trio",
        "harvest-candle-trio",
        "32.00",
        "Three candles: cranberry, spiced apple and woodsmoke.",
        "candle",
        "#bb3e03",
        weight="3.50",
        stock=0,
        details={"Scent": "Cranberry, spiced apple, woodsmoke", "Burn time": "3 × 30 hours"},
    ),
    DemoProduct(
        F,
        "apparel",
        "Harvest Festival T-shirt",
        "harvest-festival-t-shirt",
        "20.00",
        "This year's festival shirt, in autumn red.",
        "shirt",
        "#bb3e03",
        weight="0.40",
        stock=150,
        manufacturer="Bog Threads",
        details={"Material": "Organic cotton", "Size": "S, M, L, XL"},
    ),
    DemoProduct(
        F,
        "decorations",
        "Dried Cranberry Garland",
        "dried-cranberry-garland",
        "12.00",
        "Six feet of dried cranberries strung by hand for the tree or mantel.",
        "ornament",
        "#ae2012",
        weight="0.30",
        featured=True,
    ),
    DemoProduct(
        F,
        "decorations",
        "Cranberry Glass Ornament",
        "cranberry-glass-ornament",
        "9.00",
        "A hand-blown glass berry to hang on the tree.",
        "ornament",
        "#7209b7",
        weight="0.20",
        stock=5,
        manufacturer="Harbor Glass",
        details={"Material": "Hand-blown glass"},
    ),
)


# Demo offers (issue 16): the voucher CRANBERRY10 (10% off the order, no end date), one
# automatic offer, and Massachusetts sales tax (CranStore ships from Wareham, MA) for stores
# that choose COLEMAN_TAX_STRATEGY = "coleman.tax.strategies.UsSalesTax".
VOUCHERS = ({"code": "CRANBERRY10", "description": "10% off your whole order", "kind": "percent", "value": "10"},)
OFFERS = (
    {
        "name": "3 for 2 on Food",
        "kind": "multibuy",
        "buy_quantity": 3,
        "pay_quantity": 2,
        "catalog": "standard-collection",
        "category": "food",
    },
)
SALES_TAX_RATES = ({"state": "MA", "name": "Massachusetts", "rate": "6.25", "shipping_taxable": False},)

# Variants (issue 16): T-shirts in sizes (one SKU and stock each, the product's price) and the
# preserves in jar sizes (each its own price and weight). (product slug, kind, name, sku, price,
# stock, weight); a price or weight of None means the product's.
VARIANTS = (
    *(
        (shirt, "size", size, f"{shirt}-{size.lower()}", None, stock, None)
        for shirt in ("cranstore-t-shirt", "harvest-festival-t-shirt")
        for size, stock in (("S", 12), ("M", 20), ("L", 20), ("XL", 3))
    ),
    ("cranberry-preserves", "size", "8 oz jar", "cranberry-preserves-8oz", "4.50", 60, "0.75"),
    ("cranberry-preserves", "size", "16 oz jar", "cranberry-preserves-16oz", "7.95", 30, "1.40"),
)
