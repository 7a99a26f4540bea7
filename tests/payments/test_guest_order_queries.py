"""The statements of a whole guest order, pinned step by step (issue 12).

The same journey as ``bench/checkout.py``: "Add to cart", the checkout page, "Place order" and
the hand-off, the sandbox's page, "Pay" there (Google: the sandbox posts Google's six
notifications back to the store; Stripe: its webhook event; PayPal: the store's review page,
its "Place order" and the IPN; Amazon: the store's return page and the IPN). Every statement
Django runs is counted, BEGIN, COMMIT and savepoints included, so a new query anywhere on the
path fails here first.
"""

import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from coleman.orders.models import Order
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.sandbox.amazon import ipn as amazon_ipn
from coleman.payments.sandbox.paypal import ipn as paypal_ipn
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.payments.documents import GOOD_AUTH, NOTIFY_URL

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
HANDOFF = re.compile(r'<form method="post" action="([^"]+)" class="payments-handoff"')

#: Statements per step of one guest order (SQLite and PostgreSQL alike), with the test settings'
#: db session engine and the immediate task backend (the e-mail tasks run in the request; with
#: production's database backend the request only stores them: see bench/checkout.py).
STEPS = {
    # product and variants read, the new session (key check, BEGIN, INSERT, COMMIT)
    "add to cart": 6,
    # session, products (the checkout token is worked out, not stored: nothing written)
    "checkout page": 2,
    # POST: session, products, BEGIN, products re-read, order INSERT (no savepoint), lines,
    # history, COMMIT, the placed-order e-mail task (its change with the order, the lines), the
    # session saved; GET: order, session, checkout transaction (INSERT alone), lines for the cart XML
    "place order + hand-off": 17,
    "sandbox checkout page": 0,
    # new-order 10 (BEGIN, order locked, number claimed in a savepoint, lines for the shipping
    # choice, move, event, COMMIT); risk and the CHARGEABLE and CHARGING state changes 2 each
    # (order read, event: they change nothing, so no transaction); charge 7 (BEGIN, order
    # locked, the charge row, move to PAID, event, COMMIT); after the payment commits: the
    # session cart emptied (5), the paid e-mail task (change with the order, lines, digital
    # lines for its panel: 3), the digital app's look for digital lines (1); the CHARGED state
    # change 2 (order read unlocked: already paid, so only logged)
    "pay (sandbox + notifications)": 34,
}
#: The whole order, notifications included.
WHOLE_ORDER = 59


def hidden_fields(html):
    """The hidden inputs of a page, unescaped, as a dict."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


def guest_order(product, counts, processor="google"):
    """One guest order through ``processor``'s sandbox; ``counts[step]`` gets each step's statements."""
    shopper = Client()

    def step(name):
        context = CaptureQueriesContext(connection)
        counts[name] = context
        return context

    with step("add to cart"):
        assert shopper.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 2}).status_code == 302
    with step("checkout page"):
        page = shopper.get(f"/checkout/{processor}/")
    assert page.status_code == 200
    data = hidden_fields(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    data.update({key: value for key, value in ADDRESS.items() if value}, email="guest@example.com")
    with step("place order + hand-off"):
        placed = shopper.post(f"/checkout/{processor}/", data)
        assert placed.status_code == 302
        handoff = shopper.get(placed["Location"])
    PAY[processor](shopper, handoff, step)
    return shopper


def pay_google(shopper, handoff, step):
    """The hand-off page posts the signed cart to the sandbox; "Pay" there posts Google's six
    notifications back to the store."""
    assert handoff.status_code == 200
    html = handoff.content.decode()
    fields = hidden_fields(html)
    with step("sandbox checkout page"):
        sandbox = shopper.post(HANDOFF.search(html)[1], {"cart": fields["cart"], "signature": fields["signature"]})
    assert sandbox.status_code == 200
    with step("pay (sandbox + notifications)"):
        paid = shopper.post(
            reverse("sandbox:google-pay"),
            {"state": hidden_fields(sandbox.content.decode())["state"], "decision": "pay"},
        )
    assert paid.status_code == 302


def pay_stripe(shopper, handoff, step):
    """The hand-off redirects to the hosted page; "Pay" there posts checkout.session.completed."""
    assert handoff.status_code == 302
    with step("sandbox checkout page"):
        assert shopper.get(handoff["Location"]).status_code == 200
    with step("pay (sandbox + notifications)"):
        assert shopper.post(handoff["Location"], {"decision": "pay"}).status_code == 302


def pay_paypal(shopper, handoff, step):
    """The approval page; "Pay" there returns to the store's review page, whose "Place order"
    (DoExpressCheckoutPayment) pays the order; then the sandbox's IPN is delivered."""
    assert handoff.status_code == 302
    location = handoff["Location"]
    with step("sandbox checkout page"):
        assert shopper.get(location).status_code == 200
    with step("pay (sandbox + notifications)"):
        token = dict(parse_qsl(urlsplit(location).query))["token"]
        approved = shopper.post(
            urlsplit(location).path, {"cmd": "_express-checkout", "token": token, "decision": "pay"}
        )
        assert shopper.get(approved["Location"]).status_code == 200
        returned = dict(parse_qsl(urlsplit(approved["Location"]).query))
        confirm = {"token": returned["token"], "PayerID": returned["PayerID"]}
        assert shopper.post("/payments/paypal/confirm/", confirm).status_code == 302
        assert paypal_ipn.deliver_ipn(*paypal_ipn.sent_ipns()[-1], delays=(0,))


def pay_amazon(shopper, handoff, step):
    """The co-branded page; "Pay" there returns to the store, which verifies the return and
    charges (FPS Pay); then the sandbox's IPN about the charge is delivered."""
    assert handoff.status_code == 302
    location = handoff["Location"]
    with step("sandbox checkout page"):
        assert shopper.get(location).status_code == 200
    with step("pay (sandbox + notifications)"):
        paid = shopper.post(urlsplit(location).path, {"query": urlsplit(location).query, "decision": "pay"})
        assert shopper.get(paid["Location"]).status_code == 302
        assert amazon_ipn.deliver_ipn(*amazon_ipn.sent_ipns()[-1], delays=(0,))


PAY = {"google": pay_google, "stripe": pay_stripe, "paypal": pay_paypal, "amazon": pay_amazon}


@pytest.mark.django_db(transaction=True)
def test_a_whole_guest_google_order_costs_its_pinned_statements():
    """A guest order from "Add to cart" to PAID, with Google's six notifications, runs the pinned
    statements per step (the second order, once the first warmed the caches), and ends PAID with
    its history, one applied event per notification and the two emails."""
    product = ProductFactory(price=Decimal("9.50"), stock=None)
    guest_order(product, {})  # warm up: content types, the header's category menu
    mail.outbox.clear()
    counts = {}
    guest_order(product, counts)
    measured = {name: len(context.captured_queries) for name, context in counts.items()}
    assert measured == STEPS, measured
    assert sum(measured.values()) == WHOLE_ORDER

    order = Order.objects.order_by("-id").first()
    assert order.status_id == "PAID"
    assert list(order.history.values_list("to_status", flat=True)) == ["NEW", "NEW_CHKOUT", "PAID"]
    events = PaymentEvent.objects.filter(order=order)
    assert events.count() == 6
    assert set(events.values_list("outcome", flat=True)) == {EventOutcome.APPLIED}
    assert all(event.message for event in events)
    assert PaymentTransaction.objects.get(order=order, kind="checkout").remote_id
    assert PaymentTransaction.objects.get(order=order, kind="charge").amount == order.total
    assert [message.to for message in mail.outbox] == [["guest@example.com"], ["guest@example.com"]]
    assert order.cart_session_key == ""


@pytest.mark.django_db(transaction=True)
def test_a_repeated_notification_changes_nothing_and_is_logged_as_a_duplicate():
    """Each of the six notifications posted again is acknowledged, logged as a duplicate of the
    first, and changes nothing: no second charge, history row, email or status change."""
    product = ProductFactory(price=Decimal("9.50"), stock=None)
    guest_order(product, {})
    order = Order.objects.get()
    applied = list(PaymentEvent.objects.filter(order=order).order_by("id"))
    mail.outbox.clear()
    for event in applied:
        with CaptureQueriesContext(connection) as context:
            response = Client().post(
                NOTIFY_URL, event.body, content_type="application/xml", HTTP_AUTHORIZATION=GOOD_AUTH
            )
        assert response.status_code == 200
        duplicate = PaymentEvent.objects.order_by("-id").first()
        assert (duplicate.outcome, duplicate.order_id) == (EventOutcome.DUPLICATE, order.pk)
        assert f"#{event.pk}" in duplicate.message
        # Applied again and rolled back, then the duplicate logged (the first's id, the INSERT):
        # a repeat costs more than a first copy (16 for a new-order), which is the rare case.
        assert len(context.captured_queries) <= 16, [q["sql"][:60] for q in context.captured_queries]
    order.refresh_from_db()
    assert order.status_id == "PAID"
    assert order.history.count() == 3
    assert PaymentTransaction.objects.filter(order=order, kind="charge").count() == 1
    assert mail.outbox == []


#: The same order's statements with production's session engine (``coleman.core.sessions``:
#: ``cached_db``, sessions read from the cache, each write one INSERT or UPDATE) and task
#: backend (``database``: the e-mail tasks stored by the request, run by ``db_worker``), in the
#: store's requests; the worker's own statements are not the shopper's (bench/checkout.py
#: reports them).
PRODUCTION_STEPS = {
    # product and variants read, the new session's INSERT
    "add to cart": 3,
    # products
    "checkout page": 1,
    # POST: products, BEGIN, products re-read, order, lines, history, COMMIT, the e-mail task
    # stored, the session's UPDATE; GET: order, checkout transaction, lines
    "place order + hand-off": 12,
    "sandbox checkout page": 0,
    # as with the test settings, but the paid e-mail is a stored task (1 instead of 3) and the
    # paid order's session is found in the cache and its emptied cart is one UPDATE (1 instead of 5)
    "pay (sandbox + notifications)": 28,
}
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_with_productions_sessions_and_task_queue_a_guest_order_costs_fewer_statements():
    """With production's sessions (``coleman.core.sessions``) and the database task backend, the
    store's requests run the pinned statements per step, render no e-mail, and ``db_worker``
    then sends both e-mails."""
    product = ProductFactory(price=Decimal("9.50"), stock=None)
    with override_settings(
        SESSION_ENGINE="coleman.core.sessions",
        TASKS=PRODUCTION_TASKS,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "production"}},
    ):
        guest_order(product, {})
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
        mail.outbox.clear()
        counts = {}
        guest_order(product, counts)
        measured = {name: len(context.captured_queries) for name, context in counts.items()}
        assert measured == PRODUCTION_STEPS, measured
        assert mail.outbox == []
        order = Order.objects.order_by("-id").first()
        assert order.status_id == "PAID"
        assert (
            list(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))
            == ["coleman.orders.tasks.send_status_email"] * 2
        )
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    assert [(message.to, order.number in message.subject) for message in mail.outbox] == [
        (["guest@example.com"], True),
        (["guest@example.com"], True),
    ]
    assert all(product.name in message.body for message in mail.outbox)


#: The other processors' guest orders with production's configuration, per step (SQLite and
#: PostgreSQL alike). "pay" is everything from "Pay" on the service's page to the order paid
#: and the service's notification applied.
OTHER_PROCESSORS_STEPS = {
    "stripe": {
        "add to cart": 3,
        "checkout page": 1,
        # POST as for Google; GET: order, lines, the Checkout Session recorded (one INSERT)
        "place order + hand-off": 12,
        "sandbox checkout page": 0,
        # the webhook: checkout look-up, BEGIN, order locked, charge looked for and inserted,
        # move to PAID (UPDATE, history), event, COMMIT; the session's cart emptied (1), the
        # paid e-mail task (1), the digital app's look (1)
        "pay (sandbox + notifications)": 12,
    },
    "paypal": {
        "add to cart": 3,
        "checkout page": 1,
        "place order + hand-off": 12,
        "sandbox checkout page": 0,
        # review page (checkout with its order, paid?, lines); "Place order" (the same three,
        # BEGIN, order locked, charge looked for and inserted, move to PAID, event, COMMIT, the
        # session, the e-mail task, the digital look); the IPN (order, BEGIN, charge, event, COMMIT)
        "pay (sandbox + notifications)": 22,
    },
    "amazon": {
        "add to cart": 3,
        "checkout page": 1,
        # POST as for Google; GET: the order (the co-branded page is a signed URL: nothing written)
        "place order + hand-off": 10,
        "sandbox checkout page": 0,
        # the return: order, then one transaction (order locked, authorisation looked for and
        # inserted, move to NEW_CHKOUT, event: 8); FPS Pay (authorisation, charge row, its
        # result: 6), the move to PAID (status, BEGIN, order, UPDATE, history, COMMIT), the
        # session, the e-mail task, the digital look; the IPN (charge, BEGIN, token reference,
        # event, COMMIT)
        "pay (sandbox + notifications)": 29,
    },
}


@pytest.mark.parametrize("processor", sorted(OTHER_PROCESSORS_STEPS))
@pytest.mark.django_db(transaction=True)
def test_a_guest_order_through_each_other_processor_costs_its_pinned_statements(processor, settings):
    """Stripe, PayPal and Amazon guest orders with production's configuration run the pinned
    statements per step, end PAID with the service's notification applied, and the worker
    sends both e-mails."""
    settings.COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False  # delivered by the test, in the "pay" step
    product = ProductFactory(price=Decimal("9.50"), stock=None)
    with override_settings(
        SESSION_ENGINE="coleman.core.sessions",
        TASKS=PRODUCTION_TASKS,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "production"}},
    ):
        guest_order(product, {}, processor)
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
        mail.outbox.clear()
        counts = {}
        guest_order(product, counts, processor)
        measured = {name: len(context.captured_queries) for name, context in counts.items()}
        assert measured == OTHER_PROCESSORS_STEPS[processor], measured
        order = Order.objects.order_by("-id").first()
        assert order.status_id == "PAID" and order.cart_session_key == ""
        assert PaymentTransaction.objects.get(order=order, kind="charge").amount == order.total
        assert PaymentEvent.objects.filter(order=order, kind__startswith="ipn").exists() or processor == "stripe"
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    assert [message.to for message in mail.outbox] == [["guest@example.com"], ["guest@example.com"]]
