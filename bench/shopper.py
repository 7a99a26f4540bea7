#!/usr/bin/env python
"""Storefront pages as three visitors see them, measured in one process (no server, no wrk).

    .venv/bin/python bench/shopper.py                       # 1,000 products, SQLite in /tmp
    .venv/bin/python bench/shopper.py --products 10000 --requests 200
    .venv/bin/python bench/shopper.py --profile product:shopper   # cProfile one page and visitor

Visitors: ``first`` (no cookie: a first visit), ``shopper`` (a returning shopper: CSRF cookie
and a session holding a 2-line cart), ``customer`` (logged in, with a 2-line cart). Each page
is requested through Django's test client with the test settings (DEBUG off, in-memory
cache, database sessions, Whoosh index) after one warming request; the figures are the
median CPU time of this process per request (``time.process_time``: with SQLite, which runs
inside the process, it is what an idle machine would take, whatever else the machine runs),
the SQL queries per request, the session writes per request, and the ratio of the bare
view's CPU time (``/bench/bare/``: a constant 10 KB page through the same middleware) to the
page's, which is the share of the bare view's rate the page could reach on one core.
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("bare", "/bench/bare/"),
    ("home", "/"),
    ("list", "/products/"),
    ("deep list", "/products/?page=40"),
    ("catalog", "/catalogs/standard-collection/"),
    ("category", "/catalogs/standard-collection/gifts/"),
    ("product", "/products/cranberry-preserves/"),
    ("search", "/search/?q=cranberry"),
    ("search+filter", "/search/?q=cranberry&price=0-10"),
    ("cart", "/cart/"),
]
VISITORS = ("first", "shopper", "customer")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000, help="catalog size (default 1,000)")
    parser.add_argument("--requests", type=int, default=100, help="requests per page and visitor")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in /tmp per size")
    parser.add_argument("--profile", default="", help="PAGE:VISITOR to profile with cProfile (top 30)")
    parser.add_argument("--pages", default="", help="comma-separated page names (default all)")
    parser.add_argument("--session-engine", default="", help="SESSION_ENGINE to use (default: the settings')")
    parser.add_argument(
        "--cache",
        choices=("memory", "files"),
        default="memory",
        help="the shared cache: in-process memory (the test settings) or files, as production runs by default",
    )
    return parser.parse_args()


def setup(args):
    """Django with the test settings on a database of its own, filled once, and a fresh index."""
    default = f"sqlite:///{Path(tempfile.gettempdir()) / f'coleman-shopper-{args.products}.sqlite3'}"
    os.environ["DATABASE_URL"] = args.database_url or default
    os.environ["DJANGO_SETTINGS_MODULE"] = "ecommerce_book.settings.test"
    os.environ.setdefault(
        "COLEMAN_TEST_VAR_DIR", str(Path(tempfile.gettempdir()) / f"coleman-shopper-var-{args.products}")
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from coleman.products.models import Product

    settings.ROOT_URLCONF = "bench.urls"
    if args.session_engine:
        settings.SESSION_ENGINE = args.session_engine
    if args.cache == "files":
        location = Path(tempfile.gettempdir()) / f"coleman-shopper-cache-{args.products}"
        shutil.rmtree(location, ignore_errors=True)
        backend = "coleman.core.cache.FileBasedCache"  # production's file cache (Django's before checkout3)
        # override_settings also resets Django's cache handler, which has read CACHES already.
        override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": str(location)}}).enable()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if Product.objects.count() < args.products:
        call_command("load_cranstore", no_photos=True, extra=max(0, args.products - 22), verbosity=0)
    index_dir = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    if not index_dir.exists() or not any(index_dir.iterdir()):
        call_command("rebuild_index", interactive=False, verbosity=0)


def visitors():
    """Test clients for the three visitors, the shopper and customer with a 2-line cart."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from coleman.products.models import Product

    products = list(Product.objects.active().filter(stock__isnull=True).order_by("pk")[:2])
    clients = {"first": Client()}
    shopper = Client()
    shopper.get("/products/cranberry-preserves/")  # the CSRF cookie
    for product in products:
        shopper.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    clients["shopper"] = shopper
    user, _ = get_user_model().objects.get_or_create(username="bench-customer", defaults={"email": "b@example.com"})
    customer = Client()
    customer.force_login(user)
    customer.get("/products/cranberry-preserves/")
    for product in products:
        customer.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    clients["customer"] = customer
    return clients


def measure(client, url, requests, visitor):
    """Median CPU ms per request, queries per request, session writes per request."""
    from django.db import connection, reset_queries

    def get():
        if visitor == "first":
            client.cookies.clear()
        return client.get(url)

    assert get().status_code == 200, url
    cpu, queries, writes = [], [], []
    connection.force_debug_cursor = True
    try:
        for _ in range(requests):
            reset_queries()
            started = time.process_time()
            get()
            cpu.append(time.process_time() - started)
            sql = [q["sql"] for q in connection.queries]
            queries.append(len(sql))
            writes.append(sum(1 for q in sql if q.startswith(("UPDATE", "INSERT")) and "django_session" in q))
    finally:
        connection.force_debug_cursor = False
    return statistics.median(cpu) * 1000, statistics.median(queries), statistics.mean(writes)


def profile(client, url, visitor, requests):
    """Print cProfile's top functions (cumulative) over ``requests`` requests."""

    def get():
        if visitor == "first":
            client.cookies.clear()
        return client.get(url)

    get()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        get()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(int(os.environ.get("TOP", "40")))
    print(out.getvalue())


def main():
    args = parse_args()
    setup(args)
    from django.conf import settings

    clients = visitors()
    pages = dict(PAGES)
    if args.profile:
        page, visitor = args.profile.split(":")
        profile(clients[visitor], pages[page], visitor, args.requests)
        return
    wanted = args.pages.split(",") if args.pages else list(pages)
    load = os.getloadavg()[0]
    rows = {}
    for visitor in VISITORS:
        for name in wanted:
            # Paired: the bare view right before each page, so both see the same machine.
            bare = measure(clients[visitor], pages["bare"], args.requests, visitor)[0]
            rows[name, visitor] = (*measure(clients[visitor], pages[name], args.requests, visitor), bare)
    print(
        f"{args.products:,} products, {args.requests} requests each, sessions {settings.SESSION_ENGINE}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"load average {load:.1f} → {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':<14}" + "".join(f"| {v:<29}" for v in VISITORS))
    print(f"{'':<14}" + "| CPU ms  SQL  sess.w  vs bare " * len(VISITORS))
    for name in wanted:
        line = f"{name:<14}"
        for visitor in VISITORS:
            ms, sql, writes, bare = rows[name, visitor]
            line += f"| {ms:6.2f} {sql:4.0f} {writes:7.2f} {100 * bare / ms:6.0f}%  "
        print(line)


if __name__ == "__main__":
    main()
