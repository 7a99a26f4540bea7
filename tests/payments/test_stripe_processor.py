"""Stripe Checkout in the store: hand-off, hosted page, signed webhook, refusals, refunds.

The gateway sandbox plays Stripe: the ``stripe`` library's API calls reach it over HTTP
(http://testserver/sandbox/stripe, handed to the test client by the suite's transport adapter),
and the browser steps go through the test client. The sandbox keeps the events it sends in its
history without posting them (``COLEMAN_SANDBOX_STRIPE_SEND_WEBHOOKS = False``) unless a test
says otherwise, so each test decides which signed copy reaches the webhook.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client

from coleman.orders.models import Order
from coleman.payments.checks import check_sandbox
from coleman.payments.exceptions import GatewayError, GatewayRefused, NotSupported
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.sandbox.stripe.api import intent_key, session_key
from coleman.payments.sandbox.stripe.webhooks import sent_events
from tests.payments.stripe_steps import assert_unchanged, hosted_page, pay, post_event
from tests.payments.test_framework import run_check


@pytest.fixture(autouse=True)
def _events_kept(settings):
    """The sandbox records its events; the tests post them."""
    settings.COLEMAN_SANDBOX_STRIPE_SEND_WEBHOOKS = False


@pytest.fixture
def processor():
    return get_processor("stripe")


# --- hand-off and the hosted page -------------------------------------------------------------


def test_hand_off_creates_a_session_with_the_orders_lines_and_totals(processor, order):
    """The Checkout Session holds the order's lines in cents, its shipping, its total and its number;
    the store records the session id and redirects to the hosted page."""
    location = hosted_page(processor, order)
    checkout = PaymentTransaction.objects.get(processor="stripe", kind="checkout", order=order)
    assert location == f"http://testserver/sandbox/stripe/pay/{checkout.remote_id}/"
    session = Client().get(location)
    assert session.status_code == 200 and b"SANDBOX" in session.content
    state = cache.get(session_key(checkout.remote_id))
    assert [(line["quantity"], line["unit_amount"]) for line in state["_lines"]] == [(2, 1000), (1, 550)]
    assert (state["amount_subtotal"], state["amount_total"], state["currency"]) == (2550, 3050, "usd")
    assert state["client_reference_id"] == order.number and state["metadata"] == {"order_number": order.number}


def test_placing_the_same_order_again_reuses_its_session(processor, order):
    """The hand-off's idempotency key is the order's: a second hand-off gets the same session back."""
    assert hosted_page(processor, order) == hosted_page(processor, order)
    assert PaymentTransaction.objects.filter(processor="stripe", kind="checkout").count() == 1


def test_the_browser_return_alone_does_not_pay(processor, order, client):
    """Coming back to success_url says the payment is awaited; only the webhook marks the order paid."""
    client.force_login(order.user)
    back = client.post(hosted_page(processor, order), {"decision": "pay"})
    shown = client.get(back["Location"])
    assert shown.status_code == 302 and shown["Location"] == order.get_absolute_url()
    assert "waiting for the payment service" in " ".join(str(m) for m in get_messages(shown.wsgi_request))
    assert_unchanged(order)
    assert post_event(sent_events()[-1]["payload"]).status_code == 200
    assert Order.objects.get(pk=order.pk).status_id == "PAID"


def test_paying_posts_a_signed_webhook_that_marks_the_order_paid(processor, order, settings):
    """With delivery on, "Pay" posts checkout.session.completed to the store before the redirect."""
    settings.COLEMAN_SANDBOX_STRIPE_SEND_WEBHOOKS = True
    event = pay(processor, order)
    assert Order.objects.get(pk=order.pk).status_id == "PAID"
    charge = PaymentTransaction.objects.get(processor="stripe", kind="charge", order=order)
    assert charge.status == "succeeded" and charge.amount == Decimal("30.50") and charge.remote_id.startswith("pi_")
    logged = PaymentEvent.objects.get(processor="stripe", idempotency_key=event["id"])
    assert logged.authenticated and logged.outcome == EventOutcome.APPLIED and logged.order_id == order.pk


def test_decline_shows_the_card_error_and_keeps_the_session_open(processor, order):
    """ "Decline" answers 402 with the card error on the page; nothing is sent and the session can still be paid."""
    location = hosted_page(processor, order)
    declined = Client().post(location, {"decision": "decline"})
    assert declined.status_code == 402 and b"Your card was declined" in declined.content
    assert sent_events() == []
    assert_unchanged(order)
    assert Client().post(location, {"decision": "pay"}).status_code == 302


def test_cancel_returns_to_the_cart_saying_the_order_is_unpaid(processor, order, client):
    """cancel_url: back to the cart with a clear message; the order stays unpaid, the visit is logged."""
    client.force_login(order.user)
    response = client.get(f"/payments/stripe/cancel/{order.number}/")
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert f"Your order {order.number} is saved but not paid" in str(list(get_messages(response.wsgi_request))[0])
    assert PaymentEvent.objects.get(processor="stripe", kind="cancel").order_id == order.pk
    assert_unchanged(order)


def test_an_unreachable_stripe_leaves_the_order_saved_with_a_message(processor, order, settings):
    """When the API cannot be reached the hand-off raises a GatewayError (the checkout shows the order)."""
    settings.COLEMAN_STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(GatewayError):
        hosted_page(processor, order)
    assert not PaymentTransaction.objects.filter(processor="stripe").exists()


def test_a_wrong_secret_key_is_refused_by_stripe(processor, order, settings):
    """A secret key the service does not know is a GatewayRefused (HTTP 401), not a crash."""
    settings.COLEMAN_STRIPE_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(GatewayRefused) as caught:
        hosted_page(processor, order)
    assert "401" in str(caught.value)


# --- refunds from the admin -------------------------------------------------------------------


def paid(processor, order):
    """``order`` paid through the sandbox (event posted to the webhook)."""
    assert post_event(pay(processor, order)["payload"]).status_code == 200
    return PaymentTransaction.objects.get(processor="stripe", kind="charge", order=order)


def test_refund_goes_through_the_api_once(processor, order):
    """A refund is POST /v1/refunds of the whole payment; asking again returns the recorded refund."""
    charge = paid(processor, order)
    refund = processor.refund(order, reason="Damaged in transit")
    assert refund.kind == "refund" and refund.status == "succeeded" and refund.remote_id.startswith("re_")
    assert refund.amount == Decimal("30.50")
    assert cache.get(intent_key(charge.remote_id))["refunded"] == 3050
    assert processor.refund(order).pk == refund.pk
    assert cache.get(intent_key(charge.remote_id))["refunded"] == 3050
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1


def test_refund_refusals(processor, order):
    """No payment yet: GatewayError; a partial amount: NotSupported; Stripe's refusal: GatewayError, recorded."""
    with pytest.raises(GatewayError):
        processor.refund(order)
    charge = paid(processor, order)
    with pytest.raises(NotSupported):
        processor.refund(order, amount=Decimal("1.00"))
    intent = cache.get(intent_key(charge.remote_id))
    cache.set(intent_key(charge.remote_id), {**intent, "refunded": intent["amount"]})  # refunded at Stripe already
    with pytest.raises(GatewayError, match="already been refunded"):
        processor.refund(order)
    assert PaymentTransaction.objects.get(kind="refund").status == "failed"


def test_staff_refund_action_refunds_through_stripe(processor, order, admin_client):
    """The order admin's "Refund" action calls the order's processor: Stripe refunds it."""
    paid(processor, order)
    response = admin_client.post(
        "/admin/orders/order/", {"action": "refund_orders", "_selected_action": [order.pk]}, follow=True
    )
    assert response.status_code == 200
    assert f"Order {order.number}: refund requested." in response.content.decode()
    assert PaymentTransaction.objects.get(processor="stripe", kind="refund").status == "succeeded"


# --- configuration ----------------------------------------------------------------------------


def test_system_checks(processor, settings):
    """E160 without the secret key or webhook secret, E161 for a tolerance outside 1..3600 seconds,
    and where sandboxes are not allowed, E108 for an API base pointing at one."""
    assert processor.check() == []
    settings.COLEMAN_STRIPE_WEBHOOK_SECRET = ""
    assert [error.id for error in processor.check()] == ["coleman.E160"]
    settings.COLEMAN_STRIPE_WEBHOOK_SECRET = "whsec_x"
    for tolerance in (0, -5, 86400, "300", True):
        settings.COLEMAN_STRIPE_WEBHOOK_TOLERANCE = tolerance
        assert [error.id for error in processor.check()] == ["coleman.E161"], tolerance
    settings.COLEMAN_STRIPE_WEBHOOK_TOLERANCE = 300
    settings.COLEMAN_PAYMENTS_ALLOW_SANDBOX = False
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "coleman.payments.sandbox"]
    messages = [error.msg for error in check_sandbox() if error.id == "coleman.E108"]
    assert any("COLEMAN_STRIPE_API_BASE" in message for message in messages)
    settings.COLEMAN_STRIPE_API_BASE = None  # unset in production: Stripe's live API
    assert processor.setting("API_BASE") == "https://api.stripe.com"
    assert not any("STRIPE" in error.msg for error in check_sandbox())


def test_production_takes_stripe_credentials_only_from_the_environment(tmp_path):
    """Production settings: Stripe switched on without credentials fails `manage.py check` (E160);
    with the secret key and webhook secret in the environment it passes; an API base pointing at
    the sandbox fails (E108)."""
    env = {
        "COLEMAN_VAR_DIR": str(tmp_path),
        "COLEMAN_PAYMENTS_PROCESSORS": "coleman.payments.processors.stripe.StripeCheckout",
    }
    missing = run_check("ecommerce_book.settings.production", env)
    assert missing.returncode != 0 and "coleman.E160" in missing.stderr
    env.update(COLEMAN_STRIPE_SECRET_KEY="sk_live_from_the_environment", COLEMAN_STRIPE_WEBHOOK_SECRET="whsec_env")
    configured = run_check("ecommerce_book.settings.production", env)
    assert configured.returncode == 0, configured.stderr
    sandboxed = run_check(
        "ecommerce_book.settings.production", {**env, "COLEMAN_STRIPE_API_BASE": "https://shop.example/sandbox/stripe"}
    )
    assert (
        sandboxed.returncode != 0
        and "coleman.E108" in sandboxed.stderr
        and "COLEMAN_STRIPE_API_BASE" in sandboxed.stderr
    )
