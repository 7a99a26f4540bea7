"""The CranStore.com demo catalog of the book, and generated products for benchmarks.

:func:`load_cranstore` creates what is missing of the demo catalog and leaves everything that
exists alone (staff edits survive a second run). :func:`create_extra_products` adds numbered
filler products, in bulk, for measuring the store with a large catalog.
"""

import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from PIL import Image, ImageDraw, ImageFont

from .cache import bump_catalog_version
from .models import Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail

PUBLISHER = "CranStore.com"
EXTRA_SLUG_PREFIX = "extra-"


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


@dataclass
class LoadReport:
    """What :func:`load_cranstore` created."""

    catalogs: int = 0
    categories: int = 0
    products: int = 0
    details: int = 0
    photos: int = 0


@transaction.atomic
def load_cranstore(*, photos: bool = True) -> LoadReport:
    """Create whatever is missing of the CranStore.com demo catalog; never change what exists.

    Product pictures are drawn and saved only for products that have none (or whose file has
    gone from storage), so a second run writes nothing.
    """
    report = LoadReport()
    categories = {}
    for catalog_slug, spec in CATALOGS.items():
        catalog, created = Catalog.objects.get_or_create(
            slug=catalog_slug,
            defaults={"name": spec["name"], "publisher": PUBLISHER, "description": spec["description"]},
        )
        report.catalogs += created
        stack = [(node, None) for node in spec["categories"]]
        while stack:
            node, parent = stack.pop(0)
            category, created = CatalogCategory.objects.get_or_create(
                catalog=catalog,
                slug=node.slug,
                defaults={"name": node.name, "description": node.description, "parent": parent},
            )
            report.categories += created
            categories[catalog_slug, node.slug] = category
            stack.extend((child, category) for child in node.children)

    attributes = {}
    for name, description in ATTRIBUTES.items():
        attributes[name], _ = ProductAttribute.objects.get_or_create(name=name, defaults={"description": description})

    for spec in PRODUCTS:
        product, created = Product.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "category": categories[spec.catalog, spec.category],
                "name": spec.name,
                "description": spec.description,
                "manufacturer": spec.manufacturer,
                "price": Decimal(spec.price),
                "weight": Decimal(spec.weight) if spec.weight else None,
                "stock": spec.stock,
                "is_featured": spec.featured,
                "is_active": spec.active,
            },
        )
        report.products += created
        for attribute_name, value in spec.details.items():
            _, created = ProductDetail.objects.get_or_create(
                product=product, attribute=attributes[attribute_name], defaults={"value": value}
            )
            report.details += created
        if photos and not (product.photo and product.photo.storage.exists(product.photo.name)):
            png = draw_product_picture(product.name, spec.art, spec.colour)
            product.photo.save(f"{product.slug}.png", ContentFile(png), save=True)
            report.photos += 1
    return report


def create_extra_products(count: int, *, batch_size: int = 2000, progress=None) -> int:
    """Make sure filler products ``extra-000001`` … ``extra-<count>`` exist; return how many were added.

    They are spread over the leaf categories of the demo catalog (run :func:`load_cranstore`
    first), have no photos, and about one in fifty is discontinued. Rows go in with
    ``bulk_create``, which sends no signals, so the catalog version is bumped at the end.
    ``progress(done, total)`` is called after each batch.
    """
    leaves = list(CatalogCategory.objects.filter(children__isnull=True).order_by("catalog__slug", "slug"))
    if not leaves:
        raise ValueError("No categories to put products in: load the demo catalog first.")
    existing = set(Product.objects.filter(slug__startswith=EXTRA_SLUG_PREFIX).values_list("slug", flat=True))
    missing = [n for n in range(1, count + 1) if extra_slug(n) not in existing]
    total = len(missing)
    done = 0
    if progress and total:
        progress(done, total)
    for start in range(0, total, batch_size):
        batch = [_extra_product(n, leaves) for n in missing[start : start + batch_size]]
        with transaction.atomic():
            Product.objects.bulk_create(batch, batch_size=batch_size)
        done += len(batch)
        if progress:
            progress(done, total)
    if total:
        bump_catalog_version()
        refresh_planner_statistics()
    return total


def refresh_planner_statistics() -> None:
    """Let the database re-read the product table's statistics after a bulk load.

    Without them SQLite cannot tell which listing index suits a query (it never gathers
    statistics on its own); PostgreSQL would catch up on its own, later.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Product._meta.db_table)}")


def extra_slug(number: int) -> str:
    """The slug of filler product ``number``."""
    return f"{EXTRA_SLUG_PREFIX}{number:06d}"


_EXTRA_ADJECTIVES = (
    "Tart",
    "Sweet",
    "Spiced",
    "Smoked",
    "Golden",
    "Wild",
    "Harvest",
    "Honeyed",
    "Bogside",
    "Frosted",
    "Toasted",
    "Maple",
    "Ginger",
    "Orange",
    "Midnight",
    "Rustic",
)
_EXTRA_NOUNS = (
    "Relish",
    "Chutney",
    "Jam",
    "Cordial",
    "Biscotti",
    "Granola",
    "Vinegar",
    "Syrup",
    "Salsa",
    "Compote",
    "Muffins",
    "Tea Blend",
    "Candle",
    "Tote Bag",
    "Mug",
    "Soap",
)


def _extra_product(number, leaves):
    rng = random.Random(number)  # deterministic: the same number always gives the same product
    name = f"{rng.choice(_EXTRA_ADJECTIVES)} Cranberry {rng.choice(_EXTRA_NOUNS)} No. {number}"
    return Product(
        category=leaves[number % len(leaves)],
        name=name,
        slug=extra_slug(number),
        description=f"{name}: a generated product for trying the store with a large catalog.",
        manufacturer=rng.choice(("CranStore Kitchens", "Bog Threads", "Marsh Confectioners")),
        price=Decimal(rng.randrange(199, 4999)) / 100,
        weight=Decimal(rng.randrange(100, 5000)) / 1000,
        stock=rng.choice((None, None, rng.randrange(0, 200))),
        is_active=number % 50 != 0,
    )


# --- pictures -----------------------------------------------------------------------------

PICTURE_SIZE = 480
_SCALE = 2  # draw at twice the size and shrink: cheap anti-aliasing


def draw_product_picture(name: str, art: str, colour: str) -> bytes:
    """Draw a simple illustration of a product (a jar, bottle, candle…) with its name; PNG bytes."""
    size = PICTURE_SIZE * _SCALE
    image = Image.new("RGB", (size, size), _mix(colour, "#ffffff", 0.88))
    draw = ImageDraw.Draw(image)
    # A soft round backdrop and a little bog of berries along the bottom.
    pad = size // 8
    draw.ellipse((pad, pad - size // 16, size - pad, size - pad - size // 16), fill=_mix(colour, "#ffffff", 0.75))
    painter = _PAINTERS.get(art, _paint_box)
    painter(draw, size, colour)
    _paint_label(draw, size, name, colour)
    image = image.resize((PICTURE_SIZE, PICTURE_SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _mix(colour, other, amount):
    """Blend two colours (``#rrggbb`` or RGB tuples): ``amount`` 0 gives ``colour``, 1 gives ``other``."""
    a, b = _rgb(colour), _rgb(other)
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))


def _rgb(colour):
    if isinstance(colour, str):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return colour


def _berry(draw, cx, cy, r, colour):
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    hr = r // 3
    draw.ellipse(
        (cx - r // 2 - hr // 2, cy - r // 2 - hr // 2, cx - r // 2 + hr, cy - r // 2 + hr),
        fill=_mix("#ffffff", colour, 0.35),
    )


def _paint_berries(draw, s, colour):
    dark = _mix(colour, "#000000", 0.25)
    spots = [(0.38, 0.46), (0.55, 0.40), (0.66, 0.55), (0.45, 0.60), (0.30, 0.62), (0.58, 0.66), (0.50, 0.50)]
    for i, (x, y) in enumerate(spots):
        _berry(draw, int(s * x), int(s * y), s // 11, dark if i % 2 else colour)
    draw.line((s * 0.55, s * 0.40 - s // 11, s * 0.60, s * 0.28), fill=(76, 119, 69), width=s // 90)
    draw.ellipse((s * 0.58, s * 0.24, s * 0.70, s * 0.31), fill=(106, 153, 78))


def _paint_jar(draw, s, colour):
    x0, x1, y0, y1 = s * 0.32, s * 0.68, s * 0.36, s * 0.72
    draw.rounded_rectangle((x0, y0, x1, y1), radius=s // 20, fill=colour)
    draw.rounded_rectangle(
        (x0 + s * 0.02, y0 - s * 0.07, x1 - s * 0.02, y0 + s * 0.01), radius=s // 60, fill=(222, 184, 135)
    )
    draw.rounded_rectangle(
        (x0 + s * 0.05, y0 + s * 0.10, x1 - s * 0.05, y0 + s * 0.24), radius=s // 80, fill=(255, 248, 240)
    )
    draw.rectangle((x0 + s * 0.03, y0 + s * 0.03, x0 + s * 0.05, y1 - s * 0.05), fill=_mix(colour, "#ffffff", 0.4))
    _berry(draw, int(s * 0.5), int(y0 + s * 0.17), s // 28, colour)


def _paint_bottle(draw, s, colour):
    draw.rounded_rectangle((s * 0.38, s * 0.38, s * 0.62, s * 0.74), radius=s // 25, fill=colour)
    draw.polygon([(s * 0.38, s * 0.40), (s * 0.46, s * 0.28), (s * 0.54, s * 0.28), (s * 0.62, s * 0.40)], fill=colour)
    draw.rectangle((s * 0.46, s * 0.18, s * 0.54, s * 0.29), fill=colour)
    draw.rectangle((s * 0.455, s * 0.16, s * 0.545, s * 0.20), fill=(60, 60, 60))
    draw.rounded_rectangle((s * 0.40, s * 0.48, s * 0.60, s * 0.62), radius=s // 80, fill=(255, 248, 240))
    _berry(draw, int(s * 0.5), int(s * 0.55), s // 30, colour)


def _paint_candle(draw, s, colour):
    draw.rounded_rectangle((s * 0.36, s * 0.40, s * 0.64, s * 0.74), radius=s // 40, fill=colour)
    draw.ellipse((s * 0.36, s * 0.37, s * 0.64, s * 0.43), fill=_mix(colour, "#ffffff", 0.3))
    draw.line((s * 0.5, s * 0.40, s * 0.5, s * 0.34), fill=(40, 40, 40), width=s // 120)
    draw.ellipse((s * 0.47, s * 0.23, s * 0.53, s * 0.34), fill=(255, 183, 3))
    draw.ellipse((s * 0.485, s * 0.28, s * 0.515, s * 0.335), fill=(255, 240, 180))


def _paint_shirt(draw, s, colour):
    body = [
        (s * 0.34, s * 0.32),
        (s * 0.43, s * 0.28),
        (s * 0.57, s * 0.28),
        (s * 0.66, s * 0.32),
        (s * 0.76, s * 0.42),
        (s * 0.68, s * 0.48),
        (s * 0.65, s * 0.45),
        (s * 0.65, s * 0.74),
        (s * 0.35, s * 0.74),
        (s * 0.35, s * 0.45),
        (s * 0.32, s * 0.48),
        (s * 0.24, s * 0.42),
    ]
    draw.polygon(body, fill=colour)
    draw.ellipse((s * 0.45, s * 0.25, s * 0.55, s * 0.33), fill=_mix(colour, "#ffffff", 0.75))
    _berry(draw, int(s * 0.5), int(s * 0.52), s // 18, (255, 255, 255))


def _paint_hat(draw, s, colour):
    draw.ellipse((s * 0.22, s * 0.56, s * 0.78, s * 0.70), fill=_mix(colour, "#000000", 0.2))
    draw.chord((s * 0.34, s * 0.34, s * 0.66, s * 0.80), 180, 360, fill=colour)
    draw.rectangle((s * 0.34, s * 0.53, s * 0.66, s * 0.57), fill=(164, 19, 60))


def _paint_pie(draw, s, colour):
    draw.ellipse((s * 0.24, s * 0.46, s * 0.76, s * 0.72), fill=_mix(colour, "#000000", 0.15))
    draw.ellipse((s * 0.26, s * 0.42, s * 0.74, s * 0.66), fill=colour)
    for i in range(5):
        x = s * (0.33 + i * 0.085)
        draw.line((x, s * 0.45, x, s * 0.63), fill=_mix(colour, "#ffffff", 0.35), width=s // 70)
    for x, y in [(0.40, 0.52), (0.52, 0.49), (0.60, 0.56), (0.47, 0.58)]:
        _berry(draw, int(s * x), int(s * y), s // 40, (164, 19, 60))


def _paint_cup(draw, s, colour):
    draw.rounded_rectangle((s * 0.32, s * 0.40, s * 0.62, s * 0.72), radius=s // 25, fill=colour)
    draw.ellipse((s * 0.58, s * 0.46, s * 0.72, s * 0.62), outline=colour, width=s // 40)
    draw.ellipse((s * 0.32, s * 0.37, s * 0.62, s * 0.43), fill=_mix(colour, "#000000", 0.3))
    for x in (0.40, 0.47, 0.54):
        draw.arc((s * x, s * 0.22, s * (x + 0.05), s * 0.34), 100, 260, fill=(150, 150, 150), width=s // 120)


def _paint_ornament(draw, s, colour):
    draw.line((s * 0.5, s * 0.18, s * 0.5, s * 0.34), fill=(120, 120, 120), width=s // 150)
    draw.rectangle((s * 0.46, s * 0.32, s * 0.54, s * 0.37), fill=(212, 175, 55))
    _berry(draw, int(s * 0.5), int(s * 0.54), int(s * 0.17), colour)
    for x in (0.22, 0.30, 0.70, 0.78):
        _berry(draw, int(s * x), int(s * (0.70 - abs(0.5 - x) * 0.3)), s // 40, (164, 19, 60))


def _paint_box(draw, s, colour):
    draw.rectangle((s * 0.32, s * 0.42, s * 0.68, s * 0.72), fill=colour)
    draw.rectangle((s * 0.29, s * 0.35, s * 0.71, s * 0.44), fill=_mix(colour, "#000000", 0.2))
    draw.rectangle((s * 0.47, s * 0.35, s * 0.53, s * 0.72), fill=(255, 209, 102))


_PAINTERS = {
    "berries": _paint_berries,
    "jar": _paint_jar,
    "bottle": _paint_bottle,
    "candle": _paint_candle,
    "shirt": _paint_shirt,
    "hat": _paint_hat,
    "pie": _paint_pie,
    "cup": _paint_cup,
    "ornament": _paint_ornament,
    "box": _paint_box,
}


def _paint_label(draw, s, name, colour):
    """The product's name on a ribbon across the bottom, shrunk until it fits."""
    ribbon_top = int(s * 0.80)
    draw.rectangle((0, ribbon_top, s, s), fill=_mix(colour, "#000000", 0.1))
    font_size = s // 13
    while True:
        font = ImageFont.load_default(size=font_size)
        left, top, right, bottom = draw.textbbox((0, 0), name, font=font)
        if right - left <= s * 0.9 or font_size <= s // 30:
            break
        font_size -= 2
    x = (s - (right - left)) // 2 - left
    y = ribbon_top + (s - ribbon_top - (bottom - top)) // 2 - top
    draw.text((x, y), name, font=font, fill=(255, 255, 255))
