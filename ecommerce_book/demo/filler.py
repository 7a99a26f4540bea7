"""Numbered filler products in bulk, for trying (and benchmarking) the store with a large catalog."""

import random
from decimal import Decimal

from django.db import connection, transaction

from coleman.products.cache import bump_catalog_version
from coleman.products.models import CatalogCategory, Product

EXTRA_SLUG_PREFIX = "extra-"


def create_extra_products(count: int, *, batch_size: int = 2000, progress=None) -> int:
    """Make sure filler products ``extra-000001`` … ``extra-<count>`` exist; return how many were added.

    They are spread over the leaf categories of the demo catalog (run :func:`~ecommerce_book.demo.loader.load_cranstore`
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
