#!/usr/bin/env python
"""The admin's product changelist on a large catalog: queries, time and query plans.

    .venv/bin/python bench/admin.py                      # 100,000 products, SQLite in /tmp
    .venv/bin/python bench/admin.py --database-url postgres://postgres@127.0.0.1:5432/coleman_admin_bench

Runs Django in-process with the test settings on a database of its own (filled once by
``bulk_create``, see ``bench/data_setup.py``), logs a superuser in and requests the
changelist's first page, a deep page and a filtered page ``--runs`` times each: wall-clock
median, this process's CPU time, SQL queries, and the plan of the page's main query.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data_setup import ensure_products, setup_django, timed  # noqa: E402

URLS = [
    ("first page", "/admin/products/product/"),
    ("page 1,000", "/admin/products/product/?p=1000"),
    ("active only", "/admin/products/product/?is_active__exact=1"),
    ("search", "/admin/products/product/?q=000123"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    setup_django(args.database_url, f"admin-{args.products}")

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    total = ensure_products(args.products)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    print(f"{total:,} products, {args.runs} runs each, load average {os.getloadavg()[0]:.1f}")
    print("| changelist | median | CPU | queries |")
    print("|---|---:|---:|---:|")
    plans = {}
    for label, url in URLS:
        client.get(url)  # warm: content types, the cached count
        median, _slowest, queries, response, cpu = timed(lambda url=url: client.get(url), args.runs)
        assert response.status_code == 200, (url, response.status_code)
        print(f"| {label} | {median * 1000:.1f} ms | {cpu * 1000:.1f} ms | {queries} |")
        connection.force_debug_cursor = True
        from django.db import reset_queries

        reset_queries()
        client.get(url)
        main_query = max(connection.queries, key=lambda q: "ORDER BY" in q["sql"] and "products_product" in q["sql"])
        connection.force_debug_cursor = False
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(explain + main_query["sql"])
            plans[label] = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    print(f"load average {os.getloadavg()[0]:.1f}")
    for label, rows in plans.items():
        print(f"\n{label}:")
        for row in rows:
            print("   ", row)


if __name__ == "__main__":
    main()
