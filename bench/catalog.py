#!/usr/bin/env python
"""Catalog benchmark: catalog pages against a bare Django view, at 1,000 and 100,000 products.

For each catalog size the script builds a database (``migrate`` + ``load_cranstore --extra``,
no pictures; kept in /tmp between runs), collects static files, serves the store with
gunicorn (2 sync workers, ``--no-control-socket``, the production settings with DEBUG off,
SSL redirect off because it is plain HTTP on loopback) and loads it with ``wrk`` on
127.0.0.1. Pages and the bare view (``/bench/bare/``: 10 KB, no database, no template;
served from the bench-only URLconf ``bench/urls.py``) are measured in interleaved rounds,
so a change in the machine's load hits them all alike; the table shows the median of the
rounds. It also times each page once right after a catalog change (a cache miss).

    python bench/catalog.py                      # 1,000 and 100,000 products, SQLite
    python bench/catalog.py --sizes 1000 --rounds 1 --duration 3
    python bench/catalog.py --database-url 'postgres://postgres@127.0.0.1:5432/coleman_bench_{size}'

Results are printed and written to bench/results/ (not committed). Needs ``wrk``
(Debian: ``apt-get install wrk``).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
# Storefront pages, each measured for every visitor below.
PAGES = [
    ("home", "/"),
    ("product list", "/products/"),
    ("catalog", "/catalogs/standard-collection/"),
    ("category", "/catalogs/standard-collection/gifts/"),
    ("product", "/products/cranberry-preserves/"),
    ("search", "/search/?q=cranberry"),
    ("cart", "/cart/"),
]
# first: no cookie (a first visit); shopper: CSRF cookie and a session holding a 2-line cart
# (a returning shopper); customer: logged in, with a 2-line cart.
VISITORS = ("first", "shopper", "customer")
BARE = "/bench/bare/"
CUSTOMER = ("bench-customer", "bench-customer-pw-7c1e")
MEMORY_REQUESTS = 10_000
DEMO_PRODUCTS = 22  # products of load_cranstore before --extra


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: install it (Debian: apt-get install wrk).")
    sizes = [int(size) for size in args.sizes.split(",")]
    static_root = Path(tempfile.gettempdir()) / "coleman-bench-static"
    results = {"sizes": {}, "settings": vars(args), "started": datetime.now(UTC).isoformat()}
    for size in sizes:
        env = bench_env(size, args, static_root)
        prepare(size, env, fresh=args.fresh)
        results["sizes"][size] = measure(env, args)
    report = render(results, args)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"catalog-{stamp}.txt").write_text(report + "\n")
    (RESULTS / f"catalog-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to bench/results/catalog-{stamp}.txt and .json")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="catalog sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per page")
    parser.add_argument("--duration", type=int, default=3, help="seconds of wrk per page and round")
    parser.add_argument("--connections", type=int, default=4, help="concurrent wrk connections")
    parser.add_argument(
        "--database-url",
        default="",
        help="database URL template with {size} (default: SQLite files in /tmp); PostgreSQL "
        "databases are created if missing",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the databases from scratch")
    return parser.parse_args()


def bench_env(size, args, static_root):
    """The environment of every command and of the server for one catalog size."""
    workdir = Path(tempfile.gettempdir()) / f"coleman-bench-{size}"
    workdir.mkdir(exist_ok=True)
    database_url = args.database_url.format(size=size) if args.database_url else f"sqlite:///{workdir / 'db.sqlite3'}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),  # throwaway, for this run only
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        COLEMAN_VAR_DIR=str(workdir),
        DJANGO_STATIC_ROOT=str(static_root),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args, quiet=True):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def prepare(size, env, *, fresh):
    """Build (or top up) the database of ``size`` products and collect static files."""
    workdir = Path(env["COLEMAN_VAR_DIR"])
    url = env["DATABASE_URL"]
    if fresh and url.startswith("sqlite"):
        (workdir / "db.sqlite3").unlink(missing_ok=True)
    if url.startswith("postgres"):
        ensure_postgres_database(url, fresh=fresh)
    print(f"Preparing a catalog of {size:,} products ({url.split('://')[0]})…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_cranstore", "--no-photos", "--extra", str(max(size - DEMO_PRODUCTS, 0)), quiet=False)
    manage(env, "collectstatic", "--noinput")
    shutil.rmtree(workdir / "cache", ignore_errors=True)  # start every run from a cold cache


def ensure_postgres_database(url, *, fresh):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the store in its own process group (so it is stopped completely)."""

    def __init__(self, env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="coleman-bench-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "ecommerce_book.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + "/bench/bare/", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit(f"gunicorn did not answer in 30 s; see {self.log.name}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def fetch(url, cookie="", data=None):
    """GET (or POST ``data``) ``url`` with the ``Cookie`` header ``cookie``; return (status,
    seconds, body, the cookies the response set)."""
    headers = {"Cookie": cookie} if cookie else {}
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            content = response.read()
            status, set_cookies = response.status, response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as error:
        content, status, set_cookies = error.read(), error.code, error.headers.get_all("Set-Cookie") or []
    cookies = dict(re.match(r"([^=]+)=([^;]*)", line).groups() for line in set_cookies)
    return status, time.perf_counter() - started, content.decode(errors="replace"), cookies


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Answers of a POST (302 after "Add to cart" or a login) are read, not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


def visitor_cookies(server, env):
    """The ``Cookie`` header of each visitor. Production cookies are ``Secure``: on plain HTTP
    they are carried by hand, as a browser would over HTTPS."""
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
    code = (
        "import json; from django.contrib.auth import get_user_model; from coleman.products.models import Product; "
        f"u, _ = get_user_model().objects.get_or_create(username={CUSTOMER[0]!r}); u.set_password({CUSTOMER[1]!r}); "
        "u.save(); print(json.dumps(list(Product.objects.active().filter(stock__isnull=True)"
        ".order_by('pk').values_list('pk', flat=True)[:2])))"
    )
    product_ids = json.loads(
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
        )
        .stdout.decode()
        .strip()
        .splitlines()[-1]
    )
    headers = {"first": ""}
    for visitor in ("shopper", "customer"):
        jar = {}

        def header(jar=jar):
            return "; ".join(f"{name}={value}" for name, value in jar.items())

        _, _, page, cookies = fetch(server.base + "/products/cranberry-preserves/")
        jar.update(cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        if visitor == "customer":
            _, _, login, cookies = fetch(server.base + "/accounts/login/", header())
            jar.update(cookies)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login).group(1)
            status, _, _, cookies = fetch(
                server.base + "/accounts/login/",
                header(),
                {"csrfmiddlewaretoken": token, "username": CUSTOMER[0], "password": CUSTOMER[1]},
            )
            assert status == 302, f"login answered {status}"
            jar.update(cookies)
            _, _, page, cookies = fetch(server.base + "/products/cranberry-preserves/", header())
            jar.update(cookies)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        for product_id in product_ids:
            status, _, _, cookies = fetch(
                server.base + f"/cart/add/{product_id}/", header(), {"csrfmiddlewaretoken": token, "quantity": "1"}
            )
            assert status == 302, f"add to cart answered {status}"
            jar.update(cookies)
        fetch(server.base + "/cart/", header())  # shows the "added" messages
        jar.pop("messages", None)
        headers[visitor] = header()
    return headers


def measure(env, args):
    """Serve one catalog and measure every page for every visitor; return the figures."""
    names = [f"{name} · {visitor}" for visitor in VISITORS for name, _ in (("bare view", BARE), *PAGES)]
    figures = {name: {"rps": [], "p99_ms": [], "errors": 0} for name in names}
    with Server(env) as server:
        cookies = visitor_cookies(server, env)
        runs = [(visitor, name, path) for visitor in VISITORS for name, path in (("bare view", BARE), *PAGES)]
        for visitor, name, path in runs:
            status, _, _, _ = fetch(server.base + path, cookies[visitor])
            if status != 200:
                sys.exit(f"{name} ({path}) answered {status} to the {visitor}; see {server.log.name}")
        for _ in range(20):  # warm both workers: templates compiled, fragments cached
            for visitor, _, path in runs:
                fetch(server.base + path, cookies[visitor])
        for visitor, name, path in runs:  # one cache miss per page, right after a catalog change
            bump_catalog_version(env)
            _, miss, _, _ = fetch(server.base + path, cookies[visitor])
            figures[f"{name} · {visitor}"]["miss_ms"] = round(miss * 1000, 2)
        for round_number in range(args.rounds):
            print(f"  round {round_number + 1}/{args.rounds}", flush=True)
            # Each page runs right after the bare view sent the same way, and is compared with
            # that run: on a shared machine the load drifts, and a pair sees the same load.
            for visitor, name, path in runs:
                if path == BARE:
                    continue
                bare_name, page_name = f"bare view · {visitor}", f"{name} · {visitor}"
                for measured, measured_path in ((bare_name, BARE), (page_name, path)):
                    rps, p99, errors = run_wrk(server.base + measured_path, cookies[visitor], args)
                    figures[measured]["rps"].append(rps)
                    figures[measured]["p99_ms"].append(p99)
                    figures[measured]["errors"] += errors
                figures[page_name].setdefault("ratios", []).append(rps / figures[bare_name]["rps"][-1])
        figures["memory"] = worker_memory(server, cookies, runs)
    for name, values in figures.items():
        if name == "memory":
            continue
        values["rps_median"] = statistics.median(values["rps"])
        values["p99_median_ms"] = statistics.median(values["p99_ms"])
        values["ratio_median"] = statistics.median(values.get("ratios", [1.0]))
    return figures


def worker_memory(server, cookies, runs):
    """RSS (MiB) of each gunicorn worker before and after ``MEMORY_REQUESTS`` mixed requests
    (every page for every visitor in turn, plus pages 1–30 of the product list)."""

    def rss():
        children = subprocess.run(
            ["ps", "--ppid", str(server.process.pid), "-o", "rss="], capture_output=True, text=True, check=True
        ).stdout.split()
        return sorted(round(int(kb) / 1024, 1) for kb in children)

    before = rss()
    mixed = [(cookies[visitor], path) for visitor, _, path in runs if path != BARE]
    mixed += [("", f"/products/?page={n}") for n in range(1, 31)]
    for n in range(MEMORY_REQUESTS):
        cookie, path = mixed[n % len(mixed)]
        fetch(server.base + path, cookie)
    return {"requests": MEMORY_REQUESTS, "before_mib": before, "after_mib": rss()}


def bump_catalog_version(env):
    code = "from coleman.products.cache import bump_catalog_version; bump_catalog_version()"
    manage(env, "shell", "-c", code)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url, cookie, args):
    """Run wrk against ``url``; return (requests/second, p99 latency in ms, non-2xx responses)."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--latency", *headers, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=args.duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rps, float(value) * UNITS[unit], int(errors.group(1)) if errors else 0


def render(results, args):
    """The results as a text table with the ratios to the bare view and between sizes."""
    sizes = list(results["sizes"])
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    lines = [
        f"Catalog benchmark: gunicorn 2 sync workers, wrk 1 thread {args.connections} connections, "
        f"{args.rounds} rounds x {args.duration} s per page paired with the bare view (medians), "
        f"{database}, "
        f"cache {'Redis' if os.environ.get('CACHE_URL', '').startswith('redis') else 'files'}, "
        f"{os.cpu_count()} CPUs shared",
        "",
    ]
    header = f"{'page · visitor':<24}"
    for size in sizes:
        header += f" | {f'{size:,} products':^38}"
    if len(sizes) == 2:
        header += f" | {'req/s':>9}"
    lines.append(header)
    sub = f"{'':<24}"
    for _ in sizes:
        sub += f" | {'req/s':>7} {'p99 ms':>7} {'vs bare':>7} {'miss ms':>8}"
    if len(sizes) == 2:
        sub += f" | {f'{sizes[1] // 1000}k/{sizes[0] // 1000}k':>9}"
    lines.append(sub)
    lines.append("-" * len(sub))
    for visitor in VISITORS:
        for name, _ in (("bare view", BARE), *PAGES):
            key = f"{name} · {visitor}"
            row = f"{key:<24}"
            for size in sizes:
                page = results["sizes"][size][key]
                row += f" | {page['rps_median']:>7.0f} {page['p99_median_ms']:>7.1f} {page['ratio_median']:>7.0%}"
                row += f" {page['miss_ms']:>8.1f}"
            if len(sizes) == 2:
                small, large = (results["sizes"][size][key]["rps_median"] for size in sizes)
                row += f" | {large / small:>9.0%}"
            lines.append(row)
    errors = sum(page["errors"] for size in sizes for name, page in results["sizes"][size].items() if name != "memory")
    lines += [
        "",
        "vs bare: median over the rounds of the page's requests/second divided by those of the bare",
        "view measured just before it, requested the same way (with the same cookies).",
        "first: no cookie; shopper: CSRF cookie and a session with a 2-line cart; customer: logged in,",
        "with a 2-line cart. Every visitor gets whole pages from the cache, with their CSRF token and",
        "cart summary filled in.",
        "miss ms: one request right after a catalog change (fragments rebuilt from the database).",
        f"Non-2xx responses during the runs: {errors}.",
    ]
    for size in sizes:
        memory = results["sizes"][size]["memory"]
        lines.append(
            f"{size:,} products: gunicorn worker RSS {memory['before_mib']} MiB before and "
            f"{memory['after_mib']} MiB after {memory['requests']:,} mixed requests."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
