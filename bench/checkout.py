#!/usr/bin/env python
"""Guest checkout end to end: orders per second and SQL queries per order.

    .venv/bin/python bench/checkout.py                       # SQLite file in /tmp
    .venv/bin/python bench/checkout.py --database-url postgres://postgres@127.0.0.1:5432/coleman_perf_checkout
    .venv/bin/python bench/checkout.py --sessions db --cache locmem --tasks immediate   # the test settings
    .venv/bin/python bench/checkout.py --processor stripe    # or paypal, amazon (default google)
    .venv/bin/python bench/checkout.py --cache-entries 20000 # production's file cache, full

Runs Django in-process with the test settings (the payment services are played by the
gateway sandbox at http://testserver/sandbox/…, reached through the test transport adapter:
no network), but by default with production's session engine, cache and task backend
(``ecommerce_book/settings/base.py``: ``cached_db`` sessions, the file cache, the database
task backend); ``--sessions``, ``--cache`` and ``--tasks`` choose others, and the output says
which ran. Each order is a new guest: "Add to cart" (2 units), the processor's checkout page,
"Place order" (the order is written; its redirect is the hand-off: Google's page with the
signed cart for the sandbox, or a redirect to the service's page), the sandbox's page, "Pay"
there, up to the order paid and the service's notification applied: Google's sandbox posts six
notifications (new order, risk, three state changes, charge); Stripe's posts its
``checkout.session.completed`` event; PayPal sends the shopper back to the store's review page,
whose "Place order" pays, then its IPN (delivered by the script); Amazon sends the shopper back
to the store's return page, which charges, then its IPN (delivered by the script).
``--cache-entries`` first fills the file cache with that many entries (production's holds up
to 20,000 catalog pages). With the database task backend the queued tasks (the two
order e-mails) are then run by a ``db_worker`` batch, a step of its own ("worker"): in
production that is another process, not the shopper's request. The script checks every order
ended PAID.

It reports orders per second (wall clock, sequential, so the machine's load shows in it: the
load average is printed) and this process's CPU time per order, for the whole order and for
the part up to the hand-off (add to cart, the checkout page, "Place order" and the hand-off
page it redirects to), and the queries per order, per step: all statements Django ran, and
those that read or write rows (without BEGIN, COMMIT, SAVEPOINT and RELEASE). The sandbox
keeps no rows of its own: every query is the store's. The CPU of the "pay" step includes the
sandbox's own work (building and signing the six notifications, the test client's hops).
Where the hand-off itself calls the service's API (Stripe's Checkout Session, PayPal's
SetExpressCheckout), the sandbox answers in this process too: the script times those answers
and prints the store's own CPU to the hand-off without them.
Beside the chosen configuration it places a few orders with the test settings' (``db``
sessions, the in-memory cache, tasks run in the request, as ``tests/`` pin them) and prints
their statements per step too (``--compare 0`` skips that).
"""

import argparse
import os
import re
import statistics
import sys
import time
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.data_setup import setup_django  # noqa: E402

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
HANDOFF = re.compile(r'<form method="post" action="([^"]+)" class="payments-handoff"')


def hidden_fields(html):
    """The hidden inputs of a page, unescaped, as a dict."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


def place_order(product, address, counter, *, worker=None, processor="google"):
    """One guest order, paid in ``processor``'s sandbox; queries are counted per step by
    ``counter``; ``worker`` (a callable) then runs the queued tasks, as the "worker" step."""
    from django.test import Client

    shopper = Client()
    with counter("add to cart"):
        assert shopper.post(f"/cart/add/{product.pk}/", {"quantity": "2"}).status_code == 302
    with counter("checkout page"):
        page = shopper.get(f"/checkout/{processor}/")
    assert page.status_code == 200, page.status_code
    data = hidden_fields(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    data.update(address, email="bench@example.com")
    with counter("place order + hand-off"):
        placed = shopper.post(f"/checkout/{processor}/", data)
        assert placed.status_code == 302, placed.status_code
        handoff = shopper.get(placed["Location"])
    PAY_IN_SANDBOX[processor](shopper, handoff, counter)
    if worker is not None:
        with counter(WORKER):
            worker()


#: The step of the sandbox's payment page, and the one from "Pay" there to the order paid.
SANDBOX_PAGE = "sandbox checkout page"
PAY = "pay (sandbox + notifications)"


def pay_google(shopper, handoff, counter):
    """Google: the hand-off page posts the signed cart to the sandbox; "Pay" there posts Google's
    six notifications to the store (new order, risk, three state changes, charge)."""
    from django.urls import reverse

    assert handoff.status_code == 200, handoff.status_code
    fields = hidden_fields(handoff.content.decode())
    action = HANDOFF.search(handoff.content.decode())[1]
    with counter(SANDBOX_PAGE):
        sandbox_page = shopper.post(action, {"cart": fields["cart"], "signature": fields["signature"]})
    assert sandbox_page.status_code == 200
    state = hidden_fields(sandbox_page.content.decode())["state"]
    with counter(PAY):
        paid = shopper.post(reverse("sandbox:google-pay"), {"state": state, "decision": "pay"})
    assert paid.status_code == 302, paid.status_code


def pay_stripe(shopper, handoff, counter):
    """Stripe Checkout: the hand-off redirects to the sandbox's hosted page; "Pay" there posts
    the signed ``checkout.session.completed`` event to the store's webhook (the one notification)."""
    assert handoff.status_code == 302, handoff.status_code
    location = handoff["Location"]
    with counter(SANDBOX_PAGE):
        assert shopper.get(location).status_code == 200
    with counter(PAY):
        paid = shopper.post(location, {"decision": "pay"})
    assert paid.status_code == 302, paid.status_code


def pay_paypal(shopper, handoff, counter):
    """PayPal Express Checkout: the hand-off redirects to the sandbox's approval page; "Pay" there
    returns the shopper to the store's review page, whose "Place order" (DoExpressCheckoutPayment)
    marks the order paid; then the sandbox's IPN is delivered (verified by post-back)."""
    from urllib.parse import parse_qsl, urlsplit

    from coleman.payments.sandbox.paypal.ipn import deliver_ipn, sent_ipns

    assert handoff.status_code == 302, handoff.status_code
    location = handoff["Location"]
    token = dict(parse_qsl(urlsplit(location).query))["token"]
    with counter(SANDBOX_PAGE):
        assert shopper.get(location).status_code == 200
    with counter(PAY):
        approved = shopper.post(
            urlsplit(location).path, {"cmd": "_express-checkout", "token": token, "decision": "pay"}
        )
        assert approved.status_code == 302, approved.status_code
        assert shopper.get(approved["Location"]).status_code == 200  # the store's review page
        returned = dict(parse_qsl(urlsplit(approved["Location"]).query))
        confirmed = shopper.post(
            "/payments/paypal/confirm/", {"token": returned["token"], "PayerID": returned["PayerID"]}
        )
        assert confirmed.status_code == 302, confirmed.status_code
        url, body = sent_ipns()[-1]
        assert deliver_ipn(url, body, delays=(0,))


def pay_amazon(shopper, handoff, counter):
    """Amazon FPS: the hand-off redirects to the sandbox's co-branded page; "Pay" there returns the
    shopper to the store, which verifies the return (FPS VerifySignature) and charges (FPS Pay):
    the order is paid there; then the sandbox's IPN about the charge is delivered."""
    from urllib.parse import urlsplit

    from coleman.payments.sandbox.amazon.ipn import deliver_ipn, sent_ipns

    assert handoff.status_code == 302, handoff.status_code
    location = handoff["Location"]
    with counter(SANDBOX_PAGE):
        assert shopper.get(location).status_code == 200
    with counter(PAY):
        paid = shopper.post(urlsplit(location).path, {"query": urlsplit(location).query, "decision": "pay"})
        assert paid.status_code == 302, paid.status_code
        returned = shopper.get(paid["Location"])  # the store's return page
        assert returned.status_code == 302, returned.status_code
        url, body = sent_ipns()[-1]
        assert deliver_ipn(url, body, delays=(0,))


#: How each processor's sandbox is driven from the hand-off to the paid order.
PAY_IN_SANDBOX = {"google": pay_google, "stripe": pay_stripe, "paypal": pay_paypal, "amazon": pay_amazon}


#: The step that runs the queued tasks (another process in production).
WORKER = "worker (queued tasks)"

CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")

#: The steps up to the hand-off (the order written and the shopper's browser sent to Google).
TO_HANDOFF = ("add to cart", "checkout page", "place order + hand-off")


#: CPU seconds this process spent answering the store's calls to the payment services' APIs
#: (the sandbox, reached through the test transport adapter): Stripe's Checkout Session and
#: PayPal's SetExpressCheckout at the hand-off are the service's servers' work, not the store's.
SERVICE_CPU = [0.0]


def time_the_service_calls():
    """Make the test transport adapter add the CPU time of each call it answers to ``SERVICE_CPU``."""
    from tests.payments.transport import DjangoTestClientAdapter

    send = DjangoTestClientAdapter.send

    def timed_send(self, request, *args, **kwargs):
        started = time.process_time()
        try:
            return send(self, request, *args, **kwargs)
        finally:
            SERVICE_CPU[0] += time.process_time() - started

    DjangoTestClientAdapter.send = timed_send


class Counter:
    """Counts the queries of each step (all of them, and those that read or write rows), the
    process's CPU time spent in it, and the part of it spent answering the store's API calls
    (:data:`SERVICE_CPU`)."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.steps = {}

    def __call__(self, step):
        from django.test.utils import CaptureQueriesContext

        steps = self.steps

        class Step(CaptureQueriesContext):
            def __enter__(self):
                self.cpu, self.wall, self.service = time.process_time(), time.perf_counter(), SERVICE_CPU[0]
                return super().__enter__()

            def __exit__(self, *exc):
                super().__exit__(*exc)
                cpu, wall = time.process_time() - self.cpu, time.perf_counter() - self.wall
                rows = sum(1 for q in self.captured_queries if not q["sql"].startswith(CONTROL))
                service = SERVICE_CPU[0] - self.service
                steps.setdefault(step, []).append((len(self.captured_queries), rows, cpu, wall, service))

        return Step(self.connection)

    def cpu(self, steps):
        """Total CPU seconds spent in ``steps`` (all orders)."""
        return sum(c[2] for step in steps for c in self.steps.get(step, ()))

    def service_cpu(self, steps):
        """CPU seconds spent in ``steps`` answering the store's API calls (the sandbox's work)."""
        return sum(c[4] for step in steps for c in self.steps.get(step, ()))

    def wall(self, steps):
        """Total wall-clock seconds spent in ``steps`` (all orders)."""
        return sum(c[3] for step in steps for c in self.steps.get(step, ()))


#: The configurations: production's (ecommerce_book/settings/base.py) and the test settings'.
SESSION_ENGINES = {
    "coleman": "coleman.core.sessions",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "db": "django.contrib.sessions.backends.db",
}
#: The file caches: production's (Django's, counting its files every 100 writes) and Django's.
FILE_CACHES = {
    "files": "coleman.core.cache.FileBasedCache",
    "django-files": "django.core.cache.backends.filebased.FileBasedCache",
}
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TEST_SETTINGS = {"sessions": "db", "cache": "locmem", "tasks": "immediate"}


def production_defaults():
    """Production's session engine, cache and task backend as the options' names."""
    from ecommerce_book.settings import base

    sessions = next(name for name, engine in SESSION_ENGINES.items() if engine == base.SESSION_ENGINE)
    cache = next(
        (name for name, backend in FILE_CACHES.items() if backend == base.CACHES["default"]["BACKEND"]), "locmem"
    )
    return {"sessions": sessions, "cache": cache, "tasks": base.TASKS_BACKEND}


def configuration(sessions, cache, tasks):
    """``override_settings`` for a session engine, a cache (a file cache: a new directory) and a task backend."""
    import tempfile

    from django.test import override_settings

    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if cache in FILE_CACHES:
        caches = {
            "default": {
                "BACKEND": FILE_CACHES[cache],
                "LOCATION": tempfile.mkdtemp(prefix="coleman-bench-checkout-cache-"),
                "OPTIONS": {"MAX_ENTRIES": 20_000},
            }
        }
    return override_settings(
        # The IPNs of PayPal and Amazon are delivered by the script, in the "pay" step, not by a thread.
        COLEMAN_SANDBOX_PAYPAL_SEND_IPN=False,
        COLEMAN_SANDBOX_AMAZON_SEND_IPN=False,
        SESSION_ENGINE=SESSION_ENGINES[sessions],
        CACHES=caches,
        TASKS={"default": {"BACKEND": TASK_BACKENDS[tasks]}},
    )


def fill_cache(entries):
    """Put ``entries`` small entries in the file cache (as cached catalog pages fill production's),
    written straight to their files (through ``set()`` each would count the files already there)."""
    from django.core.cache import cache

    for index in range(entries):
        path = cache._key_to_file(f"bench-filler:{index}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as file:
            cache._write_content(file, None, "filler")


def run_worker():
    """Run the queued tasks to the end (``manage.py db_worker --batch``)."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
    ).run()


def statements(counter):
    """Median statements (all, reading or writing rows) per step of ``counter``."""
    return {
        step: tuple(statistics.median(c[i] for c in counts) for i in (0, 1)) for step, counts in counter.steps.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sessions", choices=sorted(SESSION_ENGINES), help="default: production's")
    parser.add_argument("--cache", choices=[*FILE_CACHES, "locmem"], help="default: production's")
    parser.add_argument("--tasks", choices=sorted(TASK_BACKENDS), help="default: production's")
    parser.add_argument(
        "--cache-entries",
        type=int,
        default=0,
        help="entries put in the file cache first (production's holds up to 20,000)",
    )
    parser.add_argument("--processor", choices=sorted(PAY_IN_SANDBOX), default="google", help="default: google")
    parser.add_argument(
        "--compare", type=int, default=3, help="orders placed with the test settings, for their statements"
    )
    args = parser.parse_args()
    url = setup_django(args.database_url, "checkout")
    defaults = production_defaults()  # after the settings read DATABASE_URL
    time_the_service_calls()
    from decimal import Decimal

    from django.conf import settings
    from django.db import connection

    from coleman.orders.models import Order
    from coleman.products.models import Catalog, CatalogCategory, Product
    from tests.factories.orders import ADDRESS

    settings.ALLOWED_HOSTS = ["*"]
    catalog, _ = Catalog.objects.get_or_create(slug="bench-checkout", defaults={"name": "Bench", "publisher": "Bench"})
    category, _ = CatalogCategory.objects.get_or_create(catalog=catalog, slug="bench", defaults={"name": "Bench"})
    product, _ = Product.objects.get_or_create(
        slug="bench-checkout-product",
        defaults={"category": category, "name": "Bench Preserves", "price": Decimal("9.50"), "stock": None},
    )
    address = {key: value for key, value in ADDRESS.items() if value}
    chosen = {name: getattr(args, name) or default for name, default in defaults.items()}
    worker = run_worker if chosen["tasks"] == "database" else None

    compared = None
    if args.compare and chosen != TEST_SETTINGS:
        with configuration(**TEST_SETTINGS):
            place_order(product, address, Counter(), processor=args.processor)  # warm up
            compared = Counter()
            for _ in range(args.compare):
                place_order(product, address, compared, processor=args.processor)

    with configuration(**chosen):
        if chosen["cache"] in FILE_CACHES:
            fill_cache(args.cache_entries)
        if worker is not None:
            worker()  # tasks left by an earlier run
        # warm up (content types, templates, caches)
        place_order(product, address, Counter(), worker=worker, processor=args.processor)
        counter = Counter()
        before = Order.objects.filter(status_id="PAID").count()
        load = os.getloadavg()[0]
        started, started_cpu = time.perf_counter(), time.process_time()
        for _ in range(args.orders):
            place_order(product, address, counter, worker=worker, processor=args.processor)
        wall = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
        paid = Order.objects.filter(status_id="PAID").count() - before
    assert paid == args.orders, f"{paid} of {args.orders} orders were paid"

    n = args.orders
    handoff_cpu, handoff_wall = counter.cpu(TO_HANDOFF), counter.wall(TO_HANDOFF)
    described = ", ".join(
        f"{name} {value}{' (production)' if value == defaults[name] else ''}" for name, value in chosen.items()
    )
    print(f"{connection.vendor} ({url.split('@')[-1]}), {n} guest orders through {args.processor}, all PAID")
    if chosen["cache"] in FILE_CACHES:
        described += f" ({args.cache_entries:,} entries put in first)"
    print(f"configuration: {described}")
    print(f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
    print(f"whole order: {n / wall:.1f} orders/s (wall); CPU per order {cpu / n * 1000:.1f} ms")
    print(
        f"to the hand-off ({', '.join(TO_HANDOFF)}): {n / handoff_wall:.1f} orders/s (wall); "
        f"CPU per order {handoff_cpu / n * 1000:.1f} ms = {n / handoff_cpu:.0f} orders/s on one idle core"
    )
    service_cpu = counter.service_cpu(TO_HANDOFF)
    if service_cpu:
        store_cpu = handoff_cpu - service_cpu
        print(
            f"  of which the payment service's answers to the store's API calls (the sandbox, in this "
            f"process): {service_cpu / n * 1000:.1f} ms; the store's own: {store_cpu / n * 1000:.1f} ms "
            f"= {n / store_cpu:.0f} orders/s on one idle core"
        )
    print()
    beside = statements(compared) if compared is not None else {}
    header = "| step | queries | reading or writing rows | CPU per order |"
    rule = "|---|---:|---:|---:|"
    if beside:
        header += " queries, test settings (db sessions, tasks in the request) |"
        rule += "---:|"
    print(header)
    print(rule)

    def other(step_names, emphasis=""):
        if not beside:
            return ""
        found = [beside[name] for name in step_names if name in beside]
        if not found:
            return " — |"
        total = [sum(f[i] for f in found) for i in (0, 1)]
        return f" {emphasis}{total[0]:.0f} ({total[1]:.0f}){emphasis} |"

    totals = [0, 0]
    for step, medians in statements(counter).items():
        totals = [t + m for t, m in zip(totals, medians, strict=True)]
        step_cpu = counter.cpu([step]) / n * 1000
        print(f"| {step} | {medians[0]:.0f} | {medians[1]:.0f} | {step_cpu:.1f} ms |{other([step])}")
        if step == TO_HANDOFF[-1]:
            handoff = f"*{handoff_cpu / n * 1000:.1f} ms*"
            print(f"| *to the hand-off* | *{totals[0]:.0f}* | *{totals[1]:.0f}* | {handoff} |{other(TO_HANDOFF, '*')}")
    requests = [step for step in counter.steps if step != WORKER]
    if len(requests) < len(counter.steps):
        queries = [sum(statements(counter)[step][i] for step in requests) for i in (0, 1)]
        cpu_requests = f"{counter.cpu(requests) / n * 1000:.1f} ms"
        label = "per order in the requests (without the worker)"
        print(f"| {label} | {queries[0]:.0f} | {queries[1]:.0f} | {cpu_requests} |{other(requests)}")
    whole_cpu = counter.cpu(counter.steps) / n * 1000
    whole = (
        f"| **per order, with notifications** | **{totals[0]:.0f}** | **{totals[1]:.0f}** | **{whole_cpu:.1f} ms** |"
    )
    print(whole + other(beside, "**"))


if __name__ == "__main__":
    main()
