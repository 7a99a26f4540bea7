"""Dump what the PostgreSQL and Sphinx backends answer to many searches, to compare two
versions of the backends: the same hits (ids, names, prices, scores, highlights), counts,
truncation, filter choices and suggestions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coleman_search_bench .venv/bin/python bench/search.py \
        --engines postgres --no-pages            # loads the 10,000 products once
    … .venv/bin/python bench/search_equivalence.py --out before.json
    (change the backends)
    … .venv/bin/python bench/search_equivalence.py --out after.json && cmp before.json after.json

Uses the catalog that ``bench/search.py`` left in the database named by ``DATABASE_URL``
(it does not change it); starts its own searchd on an index built from it. Each of the
texts (one to three words, plurals, misspellings, syntax characters) is searched with
eleven combinations of filters, sorts and pages, then again with a low
``COLEMAN_SEARCH_MAX_MATCHES`` (truncated results).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_book.settings.test")

from bench.search import free_port, make_queries  # noqa: E402

EXTRA_TEXTS = [
    "cranbery",
    "sweets tart",
    '"wild honey"',
    "jam -sweet",
    "apple or pear",
    "zzzz",
    "((",
    "bog's",
    "the and",
    "' OR 1=1",
    "100% jam",
    "%(x)s tart",
    "a|b",
    "@name jam",
    "\\",
    "é蔓",
]


def variants(categories, catalogs, manufacturers):
    """Eleven (filters, sort, page) combinations over the catalog's own values."""
    return [
        {},
        {"page": 2},
        {"page": 3, "per_page": 7},
        {"sort": "price"},
        {"sort": "-price", "page": 2},
        {"catalog": catalogs[1]},
        {"category": categories[3], "sort": "price"},
        {"manufacturer": manufacturers[0]},
        {"price": "10-25"},
        {"catalog": catalogs[2], "manufacturer": manufacturers[1], "price": "100-", "sort": "-price"},
        {"category": categories[5], "price": "25-50", "page": 2, "per_page": 3},
    ]


def outcome_data(outcome, category_slugs):
    """A search outcome as JSON-able data (scores exactly, as ``repr``; products by slug and
    categories by slug, so that two loads of the catalog compare)."""
    return {
        "count": outcome.count,
        "truncated": outcome.truncated,
        "suggestion": outcome.suggestion,
        "hits": [
            [h.name, h.slug, str(h.price), h.photo, category_slugs[h.category_id], h.category, h.catalog_slug]
            + [h.catalog, h.manufacturer, repr(h.score), str(h.highlighted)]
            for h in outcome.hits
        ],
        "facets": {
            name: [
                [category_slugs[int(c.value)] if name == "category" else c.value, c.label, c.count, c.selected]
                for c in choices
            ]
            for name, choices in outcome.facets.items()
        },
    }


def run_engine(backend, texts, combos, settings):
    """{text | combination | max matches: outcome data} for ``backend``."""
    from coleman.products.models import CatalogCategory
    from coleman.search.backends.base import SearchRequest

    category_slugs = dict(CatalogCategory.objects.values_list("pk", "slug"))

    answers = {}
    for max_matches in (10_000, 300):
        settings.COLEMAN_SEARCH_MAX_MATCHES = max_matches
        for text in texts:
            for n, combo in enumerate(combos):
                answers[f"{text} | {n} | {max_matches}"] = outcome_data(
                    backend.search(SearchRequest(text=text, **combo)), category_slugs
                )
    return answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--engines", default="postgres,sphinx")
    parser.add_argument("--texts", type=int, default=60, help="generated texts (plus a few fixed ones)")
    args = parser.parse_args()
    engines = set(args.engines.split(","))

    import django
    from django.conf import settings

    django.setup()
    from coleman.products.models import Catalog, CatalogCategory, Product
    from coleman.search.backends.postgres import PostgresSearchBackend
    from coleman.search.backends.sphinx import SphinxSearchBackend
    from coleman.search.sphinx import feed_command, write_config

    if Product.objects.count() < 1000:
        sys.exit("Load the benchmark catalog first: bench/search.py --engines postgres --no-pages")
    categories = list(CatalogCategory.objects.order_by("slug").values_list("pk", flat=True))
    catalogs = list(Catalog.objects.order_by("pk").values_list("slug", flat=True))
    manufacturers = sorted(set(Product.objects.values_list("manufacturer", flat=True)))
    combos = variants(categories, catalogs, manufacturers)
    texts = make_queries(args.texts, seed=23) + EXTRA_TEXTS
    answers = {}
    if "postgres" in engines:
        answers["postgres"] = run_engine(PostgresSearchBackend(), texts, combos, settings)
    if "sphinx" in engines:
        workdir = Path(tempfile.mkdtemp(prefix="coleman-search-equivalence-"))
        port = free_port()
        config = workdir / "sphinx.conf"
        write_config(config, host="127.0.0.1", port=port, feed=feed_command())
        subprocess.run(["indexer", "--config", str(config), "--all", "--quiet"], check=True)
        searchd = subprocess.Popen(
            ["searchd", "--config", str(config), "--nodetach"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            for _ in range(200):
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            settings.COLEMAN_SEARCH_SPHINX_PORT = port
            answers["sphinx"] = run_engine(SphinxSearchBackend(), texts, combos, settings)
        finally:
            searchd.terminate()
            searchd.wait(timeout=15)
            shutil.rmtree(workdir, ignore_errors=True)
    Path(args.out).write_text(json.dumps(answers, indent=1, sort_keys=True), encoding="utf-8")
    searches = sum(len(a) for a in answers.values())
    print(f"{searches} searches written to {args.out}")


if __name__ == "__main__":
    main()
