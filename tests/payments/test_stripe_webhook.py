"""The Stripe webhook refuses what it must and applies each event once.

Forged and stale signatures, replays, events about another order or another amount: refused
or ignored, logged, and the order unchanged. Eight copies of one event at once (PostgreSQL)
apply once. The webhook's query count does not grow with the order (1 and 30 lines). The
sandbox produces the events; the bad copies come from its own resend modes (``stale``,
``bad-signature``) or are re-signed here with the endpoint secret after an edit.
"""

import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from coleman.orders.models import Order
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.sandbox.stripe.webhooks import resend
from tests.payments.stripe_steps import (
    SECRET,
    WEBHOOK_URL,
    assert_unchanged,
    edited,
    hosted_page,
    make_order,
    pay,
    post_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _events_kept(settings):
    """The sandbox records its events; the tests (or its resend) post them."""
    settings.COLEMAN_SANDBOX_STRIPE_SEND_WEBHOOKS = False


@pytest.fixture
def processor():
    return get_processor("stripe")


def rejected(message_part):
    """The logged rejections whose message mentions ``message_part``."""
    return PaymentEvent.objects.filter(
        processor="stripe", outcome=EventOutcome.REJECTED, message__contains=message_part
    )


def test_a_forged_signature_is_refused_and_logged(processor, order):
    """An event signed with another secret: 400, logged as rejected (unauthenticated), order unchanged."""
    event = pay(processor, order)
    assert resend(event["id"], "bad-signature") == 400
    assert rejected("No signatures found matching").get().authenticated is False
    assert_unchanged(order)


def test_a_stale_timestamp_is_refused_and_logged(processor, order):
    """A correctly signed event whose timestamp is beyond the 300-second tolerance: 400, order unchanged."""
    event = pay(processor, order)
    assert resend(event["id"], "stale") == 400
    assert rejected("Timestamp outside the tolerance zone").exists()
    assert_unchanged(order)
    assert post_event(event["payload"], timestamp=int(time.time()) - 290).status_code == 200  # within tolerance
    assert Order.objects.get(pk=order.pk).status_id == "PAID"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_STRIPE_SIGNATURE": ""}, {"HTTP_STRIPE_SIGNATURE": "t=abc,v1=00"}, {"HTTP_STRIPE_SIGNATURE": "v1=00"}],
)
def test_missing_or_garbled_signature_headers_are_400(processor, order, headers):
    """No header, an empty one or one that cannot be read: 400 (never 500), nothing applied."""
    event = pay(processor, order)
    response = Client().post(WEBHOOK_URL, event["payload"], content_type="application/json", **headers)
    assert response.status_code == 400
    assert_unchanged(order)


def test_oversized_and_non_post_requests(processor):
    """A body over COLEMAN_PAYMENTS_MAX_MESSAGE_BYTES is refused unparsed (413); GET is 405."""
    assert Client().post(WEBHOOK_URL, b"{" + b" " * (300 * 1024), content_type="application/json").status_code == 413
    assert Client().get(WEBHOOK_URL).status_code == 405


def test_a_replayed_event_is_applied_once(processor, order):
    """The same event id again (freshly signed, as the sandbox's replay sends it) is a logged duplicate."""
    event = pay(processor, order)
    assert resend(event["id"]) == 200
    assert resend(event["id"]) == 200
    assert PaymentEvent.objects.filter(idempotency_key=event["id"]).get().outcome == EventOutcome.APPLIED
    assert PaymentEvent.objects.filter(processor="stripe", outcome=EventOutcome.DUPLICATE).count() == 1
    assert PaymentTransaction.objects.filter(order=order, kind="charge").count() == 1
    assert order.history.filter(to_status="PAID").count() == 1


def test_an_event_naming_another_order_changes_neither(processor, order):
    """A signed event for our session but another order's number: logged as rejected, both orders unchanged."""
    other = make_order(1)
    hosted_page(processor, other)
    event = pay(processor, order)
    forged = edited(event["payload"], client_reference_id=other.number, metadata={"order_number": other.number})
    response = post_event(forged)
    assert response.status_code == 200  # verified and recorded: Stripe need not resend it
    logged = PaymentEvent.objects.get(idempotency_key=event["id"])
    assert logged.outcome == EventOutcome.REJECTED and "client_reference_id" in logged.message
    assert_unchanged(order)
    assert_unchanged(other)


def test_an_event_for_another_amount_or_currency_changes_nothing(processor, order):
    """A signed event whose amount_total (or currency) is not the order's: rejected, logged, order unchanged."""
    event = pay(processor, order)
    assert post_event(edited(event["payload"], amount_total=100)).status_code == 200
    assert post_event(edited(event["payload"], event_id="evt_currency", currency="eur")).status_code == 200
    messages = list(PaymentEvent.objects.filter(outcome=EventOutcome.REJECTED).values_list("message", flat=True))
    assert any("amount_total 100 is not 3050" in message for message in messages)
    assert any("currency 'EUR' is not USD" in message for message in messages)
    assert_unchanged(order)


def test_an_event_for_a_session_we_never_created_is_ignored(processor, order):
    """A signed event about an unknown Checkout Session: 200 (so Stripe stops), logged, nothing applied."""
    event = pay(processor, order)
    assert post_event(edited(event["payload"], id="cs_test_not_ours")).status_code == 200
    assert rejected("names no Checkout Session of ours").get().authenticated is True
    assert_unchanged(order)


def test_other_event_types_are_acknowledged_once(processor):
    """A verified event the store takes no action on is logged (ignored) and answered 200, once per id."""
    payload = json.dumps({"id": "evt_other", "object": "event", "type": "charge.refunded", "data": {"object": {}}})
    assert post_event(payload.encode()).status_code == 200
    assert post_event(payload.encode()).status_code == 200
    assert PaymentEvent.objects.get(idempotency_key="evt_other").outcome == EventOutcome.IGNORED
    assert PaymentEvent.objects.filter(processor="stripe", outcome=EventOutcome.DUPLICATE).count() == 1


def test_a_signed_event_without_an_id_is_400(processor):
    """A verified body with no usable event id cannot be applied once: 400, logged."""
    payload = json.dumps({"object": "event", "type": "checkout.session.completed", "data": {"object": {}}})
    assert post_event(payload.encode()).status_code == 400
    assert rejected("no usable id").exists()


def test_nul_characters_in_a_signed_event_are_refused_not_500(processor, order):
    """NULs (which PostgreSQL refuses in text) in the event id, session id, reference or type: a 4xx or a
    logged refusal, never a 500, and the order unchanged (run on PostgreSQL too)."""
    event = pay(processor, order)
    assert post_event(edited(event["payload"], event_id="evt_\x00")).status_code == 400
    assert post_event(edited(event["payload"], event_id="evt_nul1", id="cs_\x00")).status_code == 200
    nul_reference = edited(event["payload"], event_id="evt_nul2", client_reference_id=order.number + "\x00")
    assert post_event(nul_reference).status_code == 200
    assert "\\x00" in PaymentEvent.objects.get(idempotency_key="evt_nul2").message
    other_type = json.loads(event["payload"])
    other_type.update(id="evt_nul3", type="charge.\x00")
    assert post_event(json.dumps(other_type).encode()).status_code == 200
    assert_unchanged(order)


def test_an_unpaid_completed_session_records_a_pending_payment(processor, order):
    """A completed session whose payment_status is not "paid" (a delayed method) leaves the order unpaid."""
    event = pay(processor, order)
    assert post_event(edited(event["payload"], payment_status="unpaid")).status_code == 200
    assert PaymentTransaction.objects.get(order=order, kind="charge").status == "pending"
    assert Order.objects.get(pk=order.pk).status_id == "NEW"


#: Queries of one applied checkout.session.completed (SQLite and PostgreSQL alike; inside the
#: test's transaction, so BEGIN/COMMIT are savepoints): the checkout look-up, the order read once
#: ``select_for_update``, the charge (looked for, inserted with its values), the move to PAID
#: (order update, history row: no second read, no savepoint), the event row with its outcome
#: (one INSERT, last), and the transaction's savepoint.
WEBHOOK_QUERIES = 9


@pytest.mark.parametrize("lines", [1, 30])
def test_the_webhook_query_count_does_not_grow_with_the_order(processor, lines, django_assert_num_queries):
    """Applying checkout.session.completed costs the same pinned number of queries for 1 line and 30 lines."""
    order = make_order(lines)
    event = pay(processor, order)
    with django_assert_num_queries(WEBHOOK_QUERIES):
        assert post_event(event["payload"]).status_code == 200
    assert Order.objects.get(pk=order.pk).status_id == "PAID"


@pytest.mark.django_db(transaction=True)
def test_eight_identical_events_at_once_apply_once(processor):
    """Eight copies of one signed event posted at the same moment on separate connections: one applies,
    seven are logged duplicates, one charge, one move to PAID."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers with one lock, so threads cannot race")
    order = make_order(2)
    event = pay(processor, order)
    header_time = int(time.time())
    barrier = threading.Barrier(8)
    statuses = []

    def post():
        barrier.wait()
        try:
            statuses.append(post_event(event["payload"], secret=SECRET, timestamp=header_time).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert PaymentEvent.objects.filter(idempotency_key=event["id"]).count() == 1
    assert PaymentEvent.objects.filter(processor="stripe", outcome=EventOutcome.DUPLICATE).count() == 7
    assert PaymentTransaction.objects.filter(order=order, kind="charge").count() == 1
    assert Order.objects.get(pk=order.pk).status_id == "PAID"
    assert order.history.filter(to_status="PAID").count() == 1
