"""The Stripe sandbox answers the ``stripe`` library as Stripe does, refusals included.

The library's own client (``stripe.StripeClient`` over a gateway session) calls the sandbox at
http://testserver/sandbox/stripe, handed to the test client by the suite's transport adapter.
"""

import json

import pytest
import stripe
from django.test import Client

from coleman.payments.http import gateway_session
from coleman.payments.processors.stripe.client import StripeCheckoutClient, stripe_client
from coleman.payments.sandbox.stripe.api import decode_form
from coleman.payments.sandbox.stripe.webhooks import sent_events

API_BASE = "http://testserver/sandbox/stripe"
KEY = "sk_test_sandbox_not_secret"
PARAMS = {
    "mode": "payment",
    "success_url": "http://testserver/ok?session_id={CHECKOUT_SESSION_ID}",
    "cancel_url": "http://testserver/no",
    "client_reference_id": "C-1",
    "metadata": {"order_number": "C-1"},
    "line_items": [
        {"quantity": 3, "price_data": {"currency": "usd", "unit_amount": 250, "product_data": {"name": "Sauce"}}},
        {"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 99, "product_data": {"name": "Jelly"}}},
    ],
    "shipping_options": [
        {
            "shipping_rate_data": {
                "type": "fixed_amount",
                "display_name": "Flat",
                "fixed_amount": {"amount": 500, "currency": "usd"},
            }
        }
    ],
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _events_kept(settings):
    settings.COLEMAN_SANDBOX_STRIPE_SEND_WEBHOOKS = False


def library(key=KEY):
    """The library's client, as the store builds it, with ``key``."""
    return stripe_client(gateway_session("Stripe", idempotent=True), api_key=key, api_base=API_BASE, timeout=5)


def test_the_library_creates_retrieves_and_expires_a_session():
    """A created session is a stripe.checkout.Session with the computed totals and a hosted page URL;
    retrieving it gives the same; expiring it makes it unpayable."""
    created = library().v1.checkout.sessions.create(params=PARAMS)
    assert isinstance(created, stripe.checkout.Session)
    assert (created.amount_subtotal, created.amount_total, created.currency) == (849, 1349, "usd")
    assert (created.status, created.payment_status, created.client_reference_id) == ("open", "unpaid", "C-1")
    assert created.url == f"http://testserver/sandbox/stripe/pay/{created.id}/"
    assert library().v1.checkout.sessions.retrieve(created.id).amount_total == 1349
    assert library().v1.checkout.sessions.expire(created.id).status == "expired"
    assert Client().get(created.url).status_code == 400


def test_an_idempotency_key_gets_the_first_answer_and_refuses_other_parameters():
    """The same key and parameters: the same session; the same key with other parameters: refused."""
    first = library().v1.checkout.sessions.create(params=PARAMS, options={"idempotency_key": "k1"})
    again = library().v1.checkout.sessions.create(params=PARAMS, options={"idempotency_key": "k1"})
    assert first.id == again.id
    with pytest.raises(stripe.IdempotencyError):
        library().v1.checkout.sessions.create(
            params={**PARAMS, "client_reference_id": "C-2"}, options={"idempotency_key": "k1"}
        )


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"line_items": []}, "line_items"),
        ({"mode": "subscription"}, "mode"),
        ({"success_url": "not a url"}, "success_url"),
        ({"line_items": [{**PARAMS["line_items"][0], "quantity": 0}]}, "line_items[0][quantity]"),
        ({"line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": -1}}]}, "line_items[0]"),
    ],
)
def test_invalid_sessions_are_refused_with_the_param(change, param):
    """Bad parameters are a 400 invalid_request_error naming the parameter (the library's InvalidRequestError)."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        library().v1.checkout.sessions.create(params={**PARAMS, **change})
    assert caught.value.http_status == 400 and caught.value.param.startswith(param)


def test_a_wrong_key_is_401_and_an_unknown_session_404():
    """An unknown secret key: AuthenticationError (401); an unknown session id: 404 resource_missing."""
    with pytest.raises(stripe.AuthenticationError):
        library("sk_test_nobody").v1.checkout.sessions.create(params=PARAMS)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        library().v1.checkout.sessions.retrieve("cs_test_missing")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_paying_then_refunding_at_most_what_was_paid():
    """ "Pay" completes the session and records its event; refunds never exceed the payment."""
    session = library().v1.checkout.sessions.create(params=PARAMS)
    assert Client().get(session.url).status_code == 200
    back = Client().post(session.url, {"decision": "pay"})
    assert back["Location"] == f"http://testserver/ok?session_id={session.id}"
    paid = library().v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    event = json.loads(sent_events()[-1]["payload"])
    assert event["type"] == "checkout.session.completed" and event["data"]["object"]["id"] == session.id
    assert Client().post(session.url, {"decision": "pay"}).status_code == 400  # paid once only
    client = StripeCheckoutClient(library())
    part = client.refund(payment_intent=paid.payment_intent, amount=349, idempotency_key="r1")
    assert (part["object"], part["amount"], part["status"]) == ("refund", 349, "succeeded")
    rest = client.refund(payment_intent=paid.payment_intent, idempotency_key="r2")
    assert rest["amount"] == 1000
    with pytest.raises(Exception, match="already been refunded"):
        client.refund(payment_intent=paid.payment_intent, amount=1, idempotency_key="r3")


def test_the_hosted_page_and_resend_endpoint_refuse_strangers():
    """An unknown session's page is 404; resending needs the account's secret key and a known event."""
    assert Client().get("/sandbox/stripe/pay/cs_test_nope/").status_code == 404
    assert Client().post("/sandbox/stripe/events/evt_x/resend/").status_code == 401
    response = Client().post("/sandbox/stripe/events/evt_x/resend/", HTTP_AUTHORIZATION=f"Bearer {KEY}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "resource_missing"
    assert Client().post("/sandbox/stripe/v1/customers", HTTP_AUTHORIZATION=f"Bearer {KEY}").status_code == 404


def test_form_decoding_follows_stripes_bracket_notation():
    """``a[b][0][c]=1`` is nested dicts and lists, in index order."""
    body = b"a[b][1][c]=2&a[b][0][c]=1&d=x&e[f]="
    assert decode_form(body) == {"a": {"b": [{"c": "1"}, {"c": "2"}]}, "d": "x", "e": {"f": ""}}
