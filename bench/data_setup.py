"""Shared by ``bench/sitemaps.py`` and ``bench/reports.py``: Django in-process on a database of
its own (a SQLite file in /tmp, or ``--database-url``), filled with generated data by
``bulk_create`` and kept between runs."""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str | None, name: str):
    """Configure the test settings (DEBUG off, in-memory cache) on the benchmark's database."""
    sys.path.insert(0, str(ROOT))
    default = f"sqlite:///{Path(tempfile.gettempdir()) / f'coleman-bench-{name}.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url or default
    os.environ["DJANGO_SETTINGS_MODULE"] = "ecommerce_book.settings.test"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.core.management import call_command

    if os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_postgres_database(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def ensure_postgres_database(url):
    """Create the PostgreSQL database named in ``url`` when missing."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def ensure_products(count: int, *, catalogs: int = 4, categories_per_catalog: int = 10):
    """At least ``count`` products in ``catalogs`` × ``categories_per_catalog`` categories (one
    in twenty inactive), created in bulk without signals."""
    from coleman.products.models import Catalog, CatalogCategory, Product

    existing = Product.objects.count()
    if existing >= count:
        return existing
    if not Catalog.objects.filter(slug__startswith="bench-").exists():
        for c in range(catalogs):
            catalog = Catalog.objects.create(name=f"Bench Catalog {c}", slug=f"bench-{c}", publisher="Bench")
            CatalogCategory.objects.bulk_create(
                CatalogCategory(catalog=catalog, name=f"Category {c}.{k}", slug=f"category-{k}")
                for k in range(categories_per_catalog)
            )
    categories = list(CatalogCategory.objects.filter(catalog__slug__startswith="bench-").values_list("pk", flat=True))
    rng = random.Random(7)
    batch = []
    for index in range(existing, count):
        batch.append(
            Product(
                category_id=categories[index % len(categories)],
                name=f"Bench Cranberry Product {index:06}",
                slug=f"bench-product-{index:06}",
                description="Generated for the benchmark.",
                price=Decimal(rng.randint(100, 9999)) / 100,
                stock=rng.choice([None, 0, 5, 40]),
                is_active=index % 20 != 0,
            )
        )
        if len(batch) == 5000:
            Product.objects.bulk_create(batch)
            batch = []
    Product.objects.bulk_create(batch)
    return Product.objects.count()


def ensure_orders(count: int, *, months: int = 24):
    """At least ``count`` orders spread over the last ``months`` months, 1–4 lines each, most
    of them paid; created in bulk."""
    from django.utils import timezone

    from coleman.orders.models import Order, ProductInOrder, generate_order_number
    from coleman.orders.statuses import Status
    from coleman.products.models import Product

    existing = Order.objects.count()
    if existing >= count:
        return existing
    products = list(Product.objects.filter(is_active=True).values_list("pk", "name", "slug", "price")[:2000])
    statuses = [Status.PAID] * 5 + [Status.SHIPPED] * 3 + [Status.CLOSED] * 3 + [Status.NEW, Status.CANCELLED]
    rng = random.Random(11)
    now = timezone.now()
    for start in range(existing, count, 5000):
        orders, lines = [], []
        for _index in range(start, min(start + 5000, count)):
            chosen = rng.sample(products, rng.randint(1, 4))
            line_rows = [(pk, name, slug, price, rng.randint(1, 3)) for pk, name, slug, price in chosen]
            subtotal = sum((price * quantity for _pk, _n, _s, price, quantity in line_rows), Decimal("0"))
            orders.append(
                Order(
                    number=generate_order_number() + f"{rng.randint(0, 99):02}",
                    email="bench@example.com",
                    status_id=rng.choice(statuses),
                    currency="USD",
                    subtotal=subtotal,
                    shipping=Decimal("5.00"),
                    total=subtotal + 5,
                    ship_name="Bench",
                    ship_line1="1 Bog Road",
                    ship_city="Wareham",
                    ship_postal_code="02571",
                    ship_country="US",
                    placed_at=now - timedelta(minutes=rng.randint(0, months * 30 * 24 * 60)),
                )
            )
            lines.append(line_rows)
        Order.objects.bulk_create(orders)
        saved = dict(Order.objects.filter(number__in=[o.number for o in orders]).values_list("number", "pk"))
        ProductInOrder.objects.bulk_create(
            ProductInOrder(
                order_id=saved[order.number],
                product_id=pk,
                name=name,
                sku=slug,
                unit_price=price,
                quantity=quantity,
                line_total=price * quantity,
            )
            for order, rows in zip(orders, lines, strict=True)
            for pk, name, slug, price, quantity in rows
        )
        print(f"  {min(start + 5000, count):,} orders", flush=True)
    return Order.objects.count()


def timed(function, runs: int):
    """Median and maximum wall seconds of ``runs`` calls, the number of queries, the result
    of the last call and the median CPU seconds of this process (with SQLite, which runs
    inside it, close to the wall time on an idle machine; with PostgreSQL the server's part
    is not counted)."""
    from django.db import connection, reset_queries

    seconds, cpu = [], []
    connection.force_debug_cursor = True
    for _ in range(runs):
        reset_queries()
        started, started_cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    return statistics.median(seconds), max(seconds), queries, result, statistics.median(cpu)
