"""Search benchmark: index build time for 10,000 products and query latency (p50/p99)
for Whoosh (Haystack), PostgreSQL full-text search and Sphinx, on the same data, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coleman_bench_search .venv/bin/python bench/search.py
    … bench/search.py --engines whoosh --profile whoosh     # cProfile one engine's queries

Needs PostgreSQL (the FTS column) and Debian's sphinxsearch (indexer, searchd). The database
named by DATABASE_URL is created if missing and its catalog tables are REPLACED: use a
database of its own. Latency is the backend's whole search (match, filter counts, sort,
first page, highlights), i.e. the results page without template rendering. CPU time is this
process's (``time.process_time``): PostgreSQL's and searchd's own work is in their processes.
"""

import argparse
import cProfile
import os
import pstats
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_book.settings.test")  # DEBUG off

WORDS = """cranberry berry tart sweet sauce relish jam jelly juice cocktail cider apple orange lemon
ginger honey maple walnut pecan almond oat granola muffin scone bread loaf pie tart crumble cobbler
chutney mustard vinegar dressing syrup candy chocolate fudge truffle cookie biscuit cracker snack bar
dried fresh frozen whole organic wild bog harvest autumn winter holiday festive gift basket box crate
tin jar bottle pouch pack bundle sampler deluxe classic original spiced smoky zesty tangy bright bold
mellow rich creamy crunchy chewy golden ruby crimson deep dark light sparkling still sugar free low
glass ceramic wooden woven linen cotton candle soap lotion mug tea coffee cocoa blend roast brew
kitchen table family farm orchard valley cape cod coast river meadow country village market""".split()
NOUNS = "Sauce Relish Jam Juice Cider Chutney Muffins Granola Tea Candle Basket Sampler Crate Syrup".split()
QUERIES_PER_BACKEND = 300
ENGINES = ("whoosh", "postgres", "sphinx")


def vocabulary_products(count, seed=7):
    """Deterministic product data: names and descriptions from a small English vocabulary."""
    rng = random.Random(seed)
    for n in range(count):
        words = rng.sample(WORDS, rng.randint(12, 40))
        name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {rng.choice(NOUNS)} {n}"
        yield {
            "name": name,
            "slug": f"bench-product-{n}",
            "description": " ".join(words).capitalize() + ".",
            "manufacturer": rng.choice(["Bog Kitchens", "CranStore", "Orchard Hill", "Cape Farms", "Red Marsh"]),
            "price": Decimal(rng.randint(100, 15000)) / 100,
        }


def make_queries(count, seed=11):
    """A mix of one-, two- and three-word queries, plural forms included (stemming)."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        size = rng.choice([1, 1, 2, 2, 3])
        words = rng.sample(WORDS, size)
        if rng.random() < 0.2:
            words[0] = words[0] + "s"
        queries.append(" ".join(words))
    return queries


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed_queries(backend, queries):
    """Wall and CPU milliseconds of each query's whole search, and the mean result count."""
    from coleman.search.backends.base import SearchRequest

    timings, cpus, hits = [], [], 0
    for text in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        outcome = backend.search(SearchRequest(text=text))
        timings.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - started_cpu) * 1000)
        hits += outcome.count
    return timings, cpus, hits / len(queries)


def measure(name, backend, queries, build, results, profile):
    """Warm ``backend`` up, time ``queries`` (with the load average before and after), append
    a result row; with ``profile``, run the queries again under cProfile and print the top."""
    timed_queries(backend, queries[:20])  # warm up
    load_before = os.getloadavg()[0]
    timings, cpus, avg_hits = timed_queries(backend, queries)
    results.append((name, build, timings, cpus, avg_hits, (load_before, os.getloadavg()[0])))
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(timed_queries, backend, queries)
        print(f"\ncProfile of {len(queries)} {name} searches:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def timed_pages(queries):
    """The results page through the test client, per query: a first visitor's request (nothing
    cached: match, filter counts, highlights, template), then the same search by a shopper
    with a cookie (the search's outcome comes from the cache; their page is rendered once,
    then stored for every shopper). Returns {label: [ms, …]} of wall time and of CPU time."""
    from django.core.cache import cache
    from django.test import Client

    first, shopper = Client(), Client()
    shopper.cookies["sessionid"] = "none"  # a cookie: the returning-shopper path
    walls, cpus = {"cold page": [], "same search, a shopper": []}, {"cold page": [], "same search, a shopper": []}
    cache.clear()
    for text in queries:
        for label, client in (("cold page", first), ("same search, a shopper", shopper)):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/search/", {"q": text})
            walls[label].append((time.perf_counter() - started) * 1000)
            cpus[label].append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (text, response.status_code)
        first.cookies.clear()
    return walls, cpus


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=QUERIES_PER_BACKEND)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, of: " + ", ".join(ENGINES))
    parser.add_argument("--profile", default="", help="engines to cProfile (comma-separated)")
    parser.add_argument("--no-pages", action="store_true", help="skip the results pages through the test client")
    args = parser.parse_args()
    engines = set(args.engines.split(","))
    profile = set(args.profile.split(",")) if args.profile else set()

    workdir = Path(tempfile.mkdtemp(prefix="coleman-bench-search-"))
    os.environ["COLEMAN_WHOOSH_PATH"] = str(workdir / "whoosh")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (PostgreSQL full-text search is part of the comparison).")

    import django
    from django.conf import settings

    settings.COLEMAN_SEARCH_REALTIME = False  # bulk loading must not index product by product
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from coleman.products.models import Catalog, CatalogCategory, Product, ProductDetail
    from coleman.search.backends.haystack import HaystackSearchBackend
    from coleman.search.backends.postgres import PostgresSearchBackend
    from coleman.search.backends.sphinx import SphinxSearchBackend
    from coleman.search.postgres import GIN_INDEX_NAME
    from coleman.search.sphinx import feed_command, write_config

    _ensure_database()
    call_command("migrate", verbosity=0)
    print(f"Loading {args.products} products into {connection.settings_dict['NAME']} …", flush=True)
    ProductDetail.objects.all().delete()
    Product.objects.all().delete()
    CatalogCategory.objects.all().delete()
    Catalog.objects.all().delete()
    catalogs = [Catalog.objects.create(name=f"Catalog {c}", slug=f"catalog-{c}", publisher="Bench") for c in range(4)]
    categories = [
        CatalogCategory.objects.create(catalog=catalogs[c % 4], name=f"Category {c}", slug=f"category-{c}")
        for c in range(20)
    ]
    rows = [Product(category=categories[n % 20], **data) for n, data in enumerate(vocabulary_products(args.products))]
    Product.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        # Compact, as a freshly loaded database would be: each run deletes and re-inserts the
        # products, and the dead rows would otherwise grow the table that every search reads.
        cursor.execute("VACUUM FULL ANALYZE products_product")

    queries = make_queries(args.queries)
    results = []

    # Whoosh through Haystack.
    page_walls = None
    if "whoosh" in engines:
        print("Whoosh: rebuild_index and queries …", flush=True)
        started = time.perf_counter()
        call_command("rebuild_index", interactive=False, verbosity=0, batchsize=1000)
        whoosh_build = time.perf_counter() - started
        measure("Whoosh (Haystack)", HaystackSearchBackend(), queries, whoosh_build, results, "whoosh" in profile)
        if not args.no_pages:
            settings.ALLOWED_HOSTS = ["*"]
            page_load = os.getloadavg()[0]
            page_walls, page_cpus = timed_pages(queries)

    # PostgreSQL FTS: the GIN index of the migration, rebuilt and timed.
    if "postgres" in engines:
        print("PostgreSQL: GIN index and queries …", flush=True)
        pg_build = _rebuild_gin_index(connection, GIN_INDEX_NAME)
        measure("PostgreSQL FTS", PostgresSearchBackend(), queries, pg_build, results, "postgres" in profile)

    # Sphinx: feed from the database through manage.py sphinx_xmlpipe, indexer, searchd.
    if "sphinx" in engines and not (shutil.which("indexer") and shutil.which("searchd")):
        print("sphinxsearch is not installed: Sphinx skipped (scripts/system-deps.sh installs it).")
    elif "sphinx" in engines:
        print("Sphinx: indexer (xmlpipe2 from the database), searchd and queries …", flush=True)
        port = free_port()
        config = workdir / "sphinx" / "sphinx.conf"
        write_config(config, host="127.0.0.1", port=port, feed=feed_command())
        started = time.perf_counter()
        subprocess.run(["indexer", "--config", str(config), "--all", "--quiet"], check=True)
        sphinx_build = time.perf_counter() - started
        searchd = subprocess.Popen(
            ["searchd", "--config", str(config), "--nodetach"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(200):
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            settings.COLEMAN_SEARCH_SPHINX_PORT = port
            measure("Sphinx (searchd)", SphinxSearchBackend(), queries, sphinx_build, results, "sphinx" in profile)
        finally:
            searchd.terminate()
            searchd.wait(timeout=15)

    print()
    print(f"{args.products} products, {len(queries)} queries per engine (1–3 words), machine: {os.cpu_count()} cores")
    print()
    print(
        "| engine | index build | query p50 | query p99 | CPU p50 | CPU p99 | mean results per query | load average |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, build, timings, cpus, avg_hits, (load_before, load_after) in results:
        print(
            f"| {name} | {build:.2f} s | {statistics.median(timings):.1f} ms | "
            f"{percentile(timings, 0.99):.1f} ms | {statistics.median(cpus):.1f} ms | "
            f"{percentile(cpus, 0.99):.1f} ms | {avg_hits:.0f} | {load_before:.2f} → {load_after:.2f} |"
        )
    print()
    if page_walls is None:
        shutil.rmtree(workdir, ignore_errors=True)
        return
    print(f"Results page (Whoosh, test client, load average {page_load:.2f} → {os.getloadavg()[0]:.2f}):")
    print()
    print("| request | p50 | p99 | CPU p50 | CPU p99 |")
    print("|---|---:|---:|---:|---:|")
    for label, walls in page_walls.items():
        cpus = page_cpus[label]
        print(
            f"| {label} | {statistics.median(walls):.1f} ms | {percentile(walls, 0.99):.1f} ms | "
            f"{statistics.median(cpus):.1f} ms | {percentile(cpus, 0.99):.1f} ms |"
        )
    shutil.rmtree(workdir, ignore_errors=True)


def _rebuild_gin_index(connection, name):
    """Drop and re-create the GIN index ``name`` (seconds taken), then ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
        cursor.execute(f"DROP INDEX {name}")
        started = time.perf_counter()
        cursor.execute(definition)
        build = time.perf_counter() - started
        cursor.execute("ANALYZE products_product")
    return build


def _ensure_database():
    """Create the benchmark database when it does not exist."""
    import psycopg
    from django.db import connection

    params = connection.settings_dict
    try:
        connection.ensure_connection()
    except Exception:
        with psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=params["PORT"] or 5432,
            user=params["USER"],
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'CREATE DATABASE "{params["NAME"]}"')
        connection.close()


if __name__ == "__main__":
    main()
