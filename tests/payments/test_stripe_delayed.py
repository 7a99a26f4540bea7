"""Stripe's delayed payment methods (a bank debit): completed but unpaid, then settled or failed.

The sandbox's hosted page plays the shopper ("Pay by bank debit") and, opened again, the bank
("Settle the debit" / "Fail the debit"); it posts Stripe's signed events to the store.
"""

import json
from decimal import Decimal

import pytest
from django.test import Client

from coleman.orders.models import Order
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.sandbox.stripe.webhooks import sent_events
from tests.payments.stripe_steps import edited, hosted_page, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _events_delivered(settings):
    """The sandbox posts its events to the store, as Stripe does."""
    settings.COLEMAN_SANDBOX_STRIPE_SEND_WEBHOOKS = True


@pytest.fixture
def processor():
    return get_processor("stripe")


def charge_of(order):
    return PaymentTransaction.objects.get(processor="stripe", kind="charge", order=order)


def pay_by_debit(processor, order):
    """Hand off, choose the bank debit, and come back: the hosted page's URL (now the bank's)."""
    location = hosted_page(processor, order)
    assert Client().post(location, {"decision": "debit"}).status_code == 302
    return location


def test_a_debit_leaves_the_order_unpaid_until_it_settles(processor, order):
    """The completed session is unpaid: a pending charge, the order not paid. Settled, it is."""
    status_before = Order.objects.get(pk=order.pk).status_id
    location = pay_by_debit(processor, order)
    assert sent_events()[-1]["type"] == "checkout.session.completed"
    assert Order.objects.get(pk=order.pk).status_id == status_before
    assert charge_of(order).status == "pending"
    page = Client().get(location)
    assert page.status_code == 200 and b"Settle the debit" in page.content
    settled = Client().post(location, {"decision": "settle"})
    assert settled.status_code == 200 and b"was collected" in settled.content
    assert sent_events()[-1]["type"] == "checkout.session.async_payment_succeeded"
    assert Order.objects.get(pk=order.pk).status_id == "PAID"
    charge = charge_of(order)
    assert charge.status == "succeeded" and charge.amount == Decimal("30.50")
    assert Client().post(location, {"decision": "settle"}).status_code == 400  # settled once


def test_a_failed_debit_flags_the_order_for_staff(processor, order):
    """async_payment_failed: the charge failed, the unpaid order needs attention, with the reason."""
    location = pay_by_debit(processor, order)
    failed = Client().post(location, {"decision": "fail"})
    assert failed.status_code == 200 and b"nothing was collected" in failed.content
    event = sent_events()[-1]
    assert event["type"] == "checkout.session.async_payment_failed"
    order = Order.objects.get(pk=order.pk)
    assert order.status_id == "EXCEPTION"
    assert "could not collect the delayed payment" in order.history.latest("pk").note
    assert charge_of(order).status == "failed"
    logged = PaymentEvent.objects.get(processor="stripe", idempotency_key=event["id"])
    assert logged.outcome == EventOutcome.FLAGGED and logged.order_id == order.pk


def test_a_failure_after_the_money_was_collected_changes_nothing(processor, order):
    """A failure event for a session already paid (out of order, or forged with the secret)
    never undoes the payment."""
    location = pay_by_debit(processor, order)
    Client().post(location, {"decision": "settle"})
    paid = sent_events()[-1]
    payload = json.loads(edited(paid["payload"], event_id="evt_latefailure1"))
    payload["type"] = "checkout.session.async_payment_failed"
    assert post_event(json.dumps(payload).encode()).status_code == 200
    assert Order.objects.get(pk=order.pk).status_id == "PAID" and charge_of(order).status == "succeeded"
    assert PaymentEvent.objects.get(idempotency_key="evt_latefailure1").outcome == EventOutcome.IGNORED


def test_an_async_event_for_another_amount_is_refused(processor, order):
    """The delayed-payment events are checked against the order like the completed one."""
    location = pay_by_debit(processor, order)
    tampered = json.loads(edited(sent_events()[-1]["payload"], event_id="evt_wrongamount1", amount_total=1))
    tampered["type"] = "checkout.session.async_payment_succeeded"
    tampered["data"]["object"]["payment_status"] = "paid"
    assert post_event(json.dumps(tampered).encode()).status_code == 200
    assert PaymentEvent.objects.get(idempotency_key="evt_wrongamount1").outcome == EventOutcome.REJECTED
    assert charge_of(order).status == "pending" and Client().get(location).status_code == 200
