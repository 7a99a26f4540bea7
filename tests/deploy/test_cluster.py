"""The store on several app servers: two gunicorns behind Debian's nginx (round-robin), sharing
PostgreSQL, Redis (cache and sessions) and the task queue, on one machine's loopback ports.

- a shopper adds to the cart on one server and checks out on the other;
- 200 concurrent checkouts through nginx, spread over both servers, sell exactly the stock;
- one server is stopped in the middle of a load run: the shopper's session, cart and order
  carry on on the other, and no request through nginx fails.

Every server uses the production settings with the environment an operator sets
(``deploy/env.example``); nginx uses the site config ``fab configs`` renders, with TLS.
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

import fabfile

from .conftest import ROOT, ScratchDatabase, free_port, require_tool, stop_process, wait_for_port
from .shopper import Shopper

NGINX = "/usr/sbin/nginx"
HOST = "shop.test"
REDIS_URL = os.environ.get("COLEMAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
STOCK = 100
BUYERS = 200

SETUP_CATALOG = f"""
from decimal import Decimal
from coleman.products.models import Catalog, CatalogCategory, Product
catalog = Catalog.objects.create(name="Cluster", slug="cluster", publisher="CranStore")
category = CatalogCategory.objects.create(catalog=catalog, name="Preserves", slug="preserves")
for slug, stock in (("last-jars", {STOCK}), ("plenty", None)):
    Product.objects.create(category=category, name=slug.replace("-", " ").title(), slug=slug,
                           price=Decimal("4.50"), stock=stock, is_active=True)
"""
COUNT_SALES = """
from coleman.orders.models import Order
from coleman.products.models import Product
from django_tasks_db.models import DBTaskResult
product = Product.objects.get(slug="last-jars")
sold = sum(line.quantity for order in Order.objects.all() for line in order.lines.all()
           if line.product_id == product.pk)
emails = DBTaskResult.objects.filter(task_path="coleman.orders.tasks.send_status_email").count()
print(product.stock, sold, Order.objects.count(), emails)
"""


class Cluster:
    """Two gunicorn app servers and nginx in front, started and stopped by this test."""

    def __init__(self, base, env, ports):
        self.base = base
        self.env = env
        self.ports = ports
        self.servers = {}
        self.nginx = None
        self.nginx_port = None

    def manage(self, *args, script=None):
        """``manage.py`` with the servers' environment (production settings)."""
        command = [sys.executable, "manage.py", *args] + (["--verbosity", "0", "-c", script] if script else [])
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start_server(self, port):
        """One gunicorn on 127.0.0.1:port, 2 workers."""
        command = [sys.executable, "-m", "gunicorn", "ecommerce_book.wsgi", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "2", "--no-control-socket", "--graceful-timeout", "10", "--log-level", "warning"]
        log = open(self.base / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.servers[port] = (process, log)
        wait_for_port(port, process)

    def stop_server(self, port):
        """Stop one app server (SIGTERM: gunicorn closes its socket, finishes requests, exits)."""
        process, log = self.servers.pop(port)
        stop_process(process)
        log.close()

    def start_nginx(self):
        """nginx (not a daemon) with the rendered site config, balancing over both servers."""
        self.nginx_port = free_port()
        upstreams = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.ports)
        site = fabfile.render_config(
            "nginx/coleman.conf",
            server_name=HOST,
            server_alias=f"www.{HOST}",
            path=str(self.base),
            listen_address="127.0.0.1",
            http_port=free_port(),
            https_port=self.nginx_port,
            upstream_servers=upstreams,
            tls_certificate=self.base / "tls.crt",
            tls_certificate_key=self.base / "tls.key",
            media_root=self.base / "media",
            private_root=self.base / "private",
        )
        (self.base / "site.conf").write_text(site)
        temp = self.base / "nginx-temp"
        temp.mkdir()
        shutil.chown(temp, "www-data", "www-data")
        main = f"""
user www-data;
worker_processes 1;
pid {self.base}/nginx.pid;
error_log {self.base}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    # Which app server answered (for the test to see the balancing).
    add_header X-Upstream $upstream_addr always;
    include {self.base}/site.conf;
}}
"""
        (self.base / "nginx.conf").write_text(main)
        checked = subprocess.run([NGINX, "-t", "-c", str(self.base / "nginx.conf")], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.nginx = subprocess.Popen(
            [NGINX, "-c", str(self.base / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.DEVNULL
        )
        wait_for_port(self.nginx_port, self.nginx)

    @property
    def front(self):
        """nginx's HTTPS address."""
        return f"https://127.0.0.1:{self.nginx_port}"

    def stop(self):
        """Stop everything this cluster started."""
        if self.nginx is not None:
            stop_process(self.nginx)
        for port in list(self.servers):
            self.stop_server(port)


@pytest.fixture(scope="session")
def cluster():
    """PostgreSQL database and Redis prefix of their own, collected static files, a small
    catalog, two app servers and nginx."""
    require_tool(NGINX)
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    base = Path(tempfile.mkdtemp(prefix="coleman-cluster-"))
    base.chmod(0o755)
    database = ScratchDatabase(f"coleman_cluster_{os.getpid()}", base / "unused.sqlite3", postgres_only=True).create()
    prefix = f"cluster{os.getpid()}"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={HOST}"]
        + ["-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"]
        + ["-keyout", str(base / "tls.key"), "-out", str(base / "tls.crt")],
        check=True,
        capture_output=True,
    )
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL", "COLEMAN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ecommerce_book.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database.url,
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        TASKS_BACKEND="database",
        COLEMAN_VAR_DIR=str(base / "var"),
        DJANGO_STATIC_ROOT=str(base / "staticfiles"),
        DJANGO_MEDIA_ROOT=str(base / "media"),
        COLEMAN_SEARCH_BACKEND="coleman.search.backends.postgres.PostgresSearchBackend",
        COLEMAN_PROXY_COUNT="1",
    )
    ports = [free_port(), free_port()]
    cluster = Cluster(base, env, ports)
    try:
        cluster.manage("migrate", "--noinput", "--verbosity", "0")
        cluster.manage("collectstatic", "--noinput", "--verbosity", "0")
        cluster.manage("shell", script=SETUP_CATALOG)
        for port in ports:
            cluster.start_server(port)
        cluster.start_nginx()
        yield cluster
    finally:
        cluster.stop()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        database.drop()
        shutil.rmtree(base, ignore_errors=True)


def server(port):
    """An app server's own address (no proxy in between)."""
    return f"http://127.0.0.1:{port}"


def add_to_cart(shopper, base, slug):
    """Open the product page and press "Add to cart"; returns the POST's response."""
    page = shopper.get(base, f"/products/{slug}/")
    assert page.status_code == 200, page.text[:500]
    return shopper.submit(base, f"/products/{slug}/", "Add to cart", page=page.text)


def check_out(shopper, base):
    """Open /checkout/ and press "Place order" with the form as the page gives it."""
    page = shopper.get(base, "/checkout/")
    assert page.status_code == 200, page.text[:500]
    return shopper.submit(base, "/checkout/", "Place order", page=page.text)


def sales(cluster):
    """(stock left, units sold, orders, queued emails) from the shared database."""
    return tuple(int(n) for n in cluster.manage("shell", script=COUNT_SALES).split())


def test_two_app_servers_behind_nginx(cluster):
    """The three scenarios of the module docstring, in one test so that one worker starts one
    cluster (each scenario below states what it proves)."""
    cart_on_one_server_checkout_on_the_other(cluster)
    concurrent_checkouts_over_both_servers_sell_exactly_the_stock(cluster)
    stopping_one_server_mid_run_loses_no_shopper_and_no_request(cluster)


def cart_on_one_server_checkout_on_the_other(cluster):
    """The session (cart, checkout token) lives in Redis and PostgreSQL, not in a server:
    adding on server A and checking out on server B places the order, which A then shows."""
    first, second = cluster.ports
    shopper = Shopper(HOST)
    added = add_to_cart(shopper, server(first), "plenty")
    assert added.status_code == 302
    placed = check_out(shopper, server(second))
    assert placed.status_code == 302, placed.text[:2000]
    order_page = shopper.get(server(first), placed.headers["Location"])
    assert order_page.status_code == 200
    assert "Plenty" in order_page.text and "Thank you" in order_page.text


def concurrent_checkouts_over_both_servers_sell_exactly_the_stock(cluster):
    """200 shoppers fill carts through nginx, then press "Place order" together (64 at a time):
    exactly the 100 jars in stock are sold, the rest are told it is sold out, both servers served,
    and each order's email waits in the task queue instead of the request."""
    before = sales(cluster)
    shoppers = [Shopper(HOST, verify=str(cluster.base / "tls.crt")) for _ in range(BUYERS)]
    upstreams = set()
    lock = threading.Lock()

    def prepare(shopper):
        assert add_to_cart(shopper, cluster.front, "last-jars").status_code == 302
        page = shopper.get(cluster.front, "/checkout/")
        assert page.status_code == 200
        return page.text

    with ThreadPoolExecutor(max_workers=32) as pool:
        pages = list(pool.map(prepare, shoppers))
    barrier = threading.Barrier(64)

    def buy(args):
        shopper, page = args
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        response = shopper.submit(cluster.front, "/checkout/", "Place order", page=page)
        with lock:
            upstreams.add(shopper.last_upstream)
        if response.status_code == 302 and response.headers["Location"].startswith("/orders/"):
            return "order placed"
        # Sold out: the checkout refuses (400), or the cart dropped the line and sends the
        # shopper back to it (302 to /cart/).
        if response.status_code == 400 or response.headers.get("Location") == "/cart/":
            return "sold out"
        return f"unexpected {response.status_code} {response.headers.get('Location', '')}"

    with ThreadPoolExecutor(max_workers=64) as pool:
        statuses = list(pool.map(buy, zip(shoppers, pages, strict=True)))
    assert statuses.count("order placed") == STOCK, sorted(set(statuses))
    assert statuses.count("sold out") == BUYERS - STOCK, sorted(set(statuses))
    assert upstreams == {f"127.0.0.1:{port}" for port in cluster.ports}
    stock, sold, orders, emails = sales(cluster)
    assert (stock, sold) == (0, STOCK)
    assert orders - before[2] == STOCK
    assert emails - before[3] == STOCK, "one order email queued per order, none sent in the request"


def stopping_one_server_mid_run_loses_no_shopper_and_no_request(cluster):
    """A shopper has a cart; a load run goes through nginx; the server that served the
    shopper's last request is stopped mid-run. nginx sends everything to the other server:
    the load run sees no failure, and the shopper's cart is intact and checks out there."""
    shopper = Shopper(HOST, verify=str(cluster.base / "tls.crt"))
    assert add_to_cart(shopper, cluster.front, "plenty").status_code == 302
    victim = int(shopper.last_upstream.rsplit(":", 1)[1])
    statuses, stop = [], threading.Event()

    def browse():
        visitor = Shopper(HOST, verify=str(cluster.base / "tls.crt"))
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            statuses.append(visitor.get(cluster.front, "/products/plenty/").status_code)

    threads = [threading.Thread(target=browse) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        cluster.stop_server(victim)
        time.sleep(1.0)
        cart = shopper.get(cluster.front, "/cart/")
        placed = check_out(shopper, cluster.front)
        order = shopper.get(cluster.front, placed.headers.get("Location", "/"))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    survivor = next(port for port in cluster.ports if port != victim)
    assert cart.status_code == 200 and "Plenty" in cart.text
    assert placed.status_code == 302, placed.text[:2000]
    assert order.status_code == 200 and "Plenty" in order.text
    assert shopper.last_upstream == f"127.0.0.1:{survivor}"
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
