#!/usr/bin/env python
"""Sitemap and feed benchmark: /sitemap.xml and each section at 100,000 products.

Runs Django in-process (test settings: DEBUG off, in-memory cache) against a database of its
own, filled once with generated products (kept between runs), and times each URL through
Django's test client, the whole body read: median and maximum of ``--runs`` requests with an
empty cache ("cold") and median with the cache kept ("warm"), queries per request, size.

    python bench/sitemaps.py                          # 100,000 products, SQLite in /tmp
    python bench/sitemaps.py --products 20000 --runs 3
    python bench/sitemaps.py --database-url postgres://postgres@127.0.0.1:5432/coleman_bench_data
"""

import argparse
import os

from data_setup import ensure_products, setup_django, timed

URLS = [
    "/sitemap.xml",
    "/sitemap-products.xml",
    "/sitemap-products.xml?p=2",
    "/sitemap-categories.xml",
    "/sitemap-catalogs.xml",
    "/sitemap-pages.xml",
    "/robots.txt",
    "/feeds/products/",
    "/feeds/products/atom/",
    "/feeds/deals/",
    "/feeds/categories/bench-0/category-3/",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = setup_django(args.database_url, "data")
    print(f"Products: {ensure_products(args.products):,} ({url.split('://')[0]})")
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    print("| URL | cold median | cold max | cold CPU | warm median | queries (cold) | bytes | URLs/items |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in URLS:

        def fetch(path=path, cold=True):
            if cold:
                cache.clear()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return b"".join(response.streaming_content) if response.streaming else response.content

        median, worst, queries, body, cpu = timed(fetch, args.runs)
        warm, _worst, _queries, _body, _cpu = timed(lambda fetch=fetch: fetch(cold=False), args.runs)
        entries = body.count(b"<url>") or body.count(b"<sitemap>") or body.count(b"<item>") or body.count(b"<entry>")
        print(
            f"| `{path}` | {median * 1000:,.0f} ms | {worst * 1000:,.0f} ms | {cpu * 1000:,.0f} ms "
            f"| {warm * 1000:,.0f} ms "
            f"| {queries} | {len(body):,} | {entries:,} |"
        )
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} (this machine has {os.cpu_count()} CPUs).")


if __name__ == "__main__":
    main()
