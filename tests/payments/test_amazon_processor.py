"""The Amazon FPS processor in the store: hand-off, Amazon-signed return, Pay, idempotency and refusals.

The gateway sandbox plays Amazon: the browser steps go through the test client, the FPS
``Pay`` calls reach the sandbox's FPS endpoint over HTTP (http://testserver/…, handed to the
test client by the suite's transport adapter).
"""

import base64
import hashlib
import hmac
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coleman.payments.checks import check_sandbox
from coleman.payments.exceptions import GatewayError
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.processors.amazon.protocol import AmazonResponseError
from coleman.payments.sandbox.amazon import outbound_signed
from tests.payments.documents import aws_signature
from tests.payments.scripted_server import ScriptedServer

SECRET = "sandbox-amazon-secret-key-not-secret"
RETURN_PATH = "/payments/amazon/return/"
RETURN_URL = "http://testserver/payments/amazon/return/"
VERIFY_FAILURE = b"""<?xml version="1.0"?>
<VerifySignatureResponse xmlns="http://fps.amazonaws.com/doc/2008-09-17/"><VerifySignatureResult>
<VerificationStatus>Failure</VerificationStatus></VerifySignatureResult>
<ResponseMetadata><RequestId>r-1:0</RequestId></ResponseMetadata></VerifySignatureResponse>"""
RETURN_FIELDS = [
    "status",
    "tokenID",
    "callerReference",
    "signature",
    "signatureMethod",
    "signatureVersion",
    "certificateUrl",
]
SANDBOX_CERTIFICATE = "http://testserver/sandbox/amazon/certs/sandbox/PKICert.pem"
RETURN_VALUES = st.text(max_size=30) | st.sampled_from(["RSA-SHA1", "2", "SC", "A", SANDBOX_CERTIFICATE])


@pytest.fixture
def processor():
    return get_processor("amazon")


@pytest.fixture
def shopper(client, order):
    """A browser logged in as the order's customer."""
    client.force_login(order.user)
    return client


def hand_signature(message):
    return base64.b64encode(hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest()).decode()


def told(response):
    """The messages the store queued for the shopper with this response."""
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def cbui_location(processor, order):
    request = RequestFactory().get("/checkout/amazon/")
    response = processor.get_checkout_response(request, order)
    assert response.status_code == 302
    return response["Location"]


def pay_on_sandbox(client, location, decision="pay"):
    """Show the sandbox page, press a button; return the store return URL the sandbox redirects to."""
    page = client.get(location)
    assert page.status_code == 200 and b"SANDBOX" in page.content
    response = client.post(urlsplit(location).path, {"query": urlsplit(location).query, "decision": decision})
    assert response.status_code == 302
    return response["Location"]


def test_handoff_redirects_to_a_correctly_signed_cbui_request(processor, order):
    """The hand-off is the sandbox CBUI URL with the book's parameters, signed as AWS defines."""
    location = cbui_location(processor, order)
    parts = urlsplit(location)
    assert parts.path == "/sandbox/amazon/cbui/"
    params = dict(parse_qsl(parts.query))
    assert params["callerReference"] == order.number
    assert params["transactionAmount"] == "30.50"
    assert params["pipelineName"] == "SingleUse"
    assert params["returnURL"] == RETURN_URL
    assert params["callerKey"] == "SANDBOX-AMAZON-ACCESS-KEY"
    canonical = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params.items()) if k != "signature"
    )
    assert params["signature"] == hand_signature(f"GET\ntestserver\n/sandbox/amazon/cbui/\n{canonical}")


def test_paying_on_the_sandbox_marks_the_order_paid(processor, order, shopper):
    """Pay on the sandbox page → signed return → token stored → FPS Pay → order PAID, shopper told."""
    return_url = pay_on_sandbox(shopper, cbui_location(processor, order))
    response = shopper.get(return_url)
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status_id == "PAID"
    auth = PaymentTransaction.objects.get(processor="amazon", kind="authorize", order=order)
    charge = PaymentTransaction.objects.get(processor="amazon", kind="charge", order=order)
    assert auth.status == "succeeded" and auth.token
    assert charge.status == "succeeded" and charge.remote_id and charge.amount == Decimal("30.50")
    assert charge.reference == f"{order.number}-pay"
    assert "<PayResponse" in charge.raw_response and charge.remote_id in charge.raw_response
    assert "Amazon accepted your payment" in told(response)


def test_the_same_return_twice_changes_the_order_once(processor, order, shopper):
    """Replaying the return is logged as a duplicate; one authorisation, one charge, one move to PAID."""
    return_url = pay_on_sandbox(shopper, cbui_location(processor, order))
    shopper.get(return_url)
    history_before = order.history.count()
    shopper.get(return_url)
    order.refresh_from_db()
    assert order.status_id == "PAID"
    assert order.history.count() == history_before
    assert PaymentTransaction.objects.filter(processor="amazon", kind="charge").count() == 1
    outcomes = list(
        PaymentEvent.objects.filter(processor="amazon", kind="cbui-return").values_list("outcome", flat=True)
    )
    assert sorted(outcomes) == [EventOutcome.APPLIED, EventOutcome.DUPLICATE]


@pytest.mark.parametrize(("name", "value"), [("status", "SA"), ("callerReference", "C-OTHER"), ("tokenID", "X")])
def test_a_tampered_return_is_refused_and_changes_nothing(processor, order, shopper, name, value):
    """Any altered parameter fails the signature: 403, order still NEW, the refusal logged."""
    return_url = pay_on_sandbox(shopper, cbui_location(processor, order))
    params = dict(parse_qsl(urlsplit(return_url).query))
    params[name] = value
    response = shopper.get("/payments/amazon/return/", params)
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert not PaymentTransaction.objects.filter(processor="amazon", kind="authorize").exists()
    assert PaymentEvent.objects.get(processor="amazon").outcome == EventOutcome.REJECTED


def test_an_unsigned_return_is_refused(order, shopper):
    """A hand-made return without a signature gets 403, never a 500."""
    response = shopper.get("/payments/amazon/return/", {"status": "SC", "callerReference": order.number})
    assert response.status_code == 403


def test_a_declined_payment_leaves_the_order_unpaid_with_a_clear_message(processor, order, shopper):
    """Decline on the sandbox → back in the store, order NEW, told it is not paid."""
    return_url = pay_on_sandbox(shopper, cbui_location(processor, order), decision="decline")
    response = shopper.get(return_url)
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert "is saved but not paid" in told(response)
    assert PaymentTransaction.objects.get(processor="amazon", kind="authorize").status == "declined"


def test_a_store_with_the_wrong_secret_key_is_refused_by_amazon(processor, order, shopper, settings):
    """If the store signs with a key Amazon does not know, the CBUI page refuses with 403."""
    settings.COLEMAN_AMAZON_SECRET_KEY = "not-the-registered-secret"
    response = shopper.get(cbui_location(processor, order))
    assert response.status_code == 403


def test_charge_later_from_the_staff_action_and_charge_again_is_a_no_op(processor, order, shopper, settings):
    """With PAY_ON_RETURN off the return only authorises (NEW_CHKOUT); charge() then pays once."""
    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    shopper.get(pay_on_sandbox(shopper, cbui_location(processor, order)))
    order.refresh_from_db()
    assert order.status_id == "NEW_CHKOUT"
    first = processor.charge(order)
    again = processor.charge(order)
    order.refresh_from_db()
    assert order.status_id == "PAID"
    assert first.pk == again.pk and first.remote_id == again.remote_id


def test_a_failed_charge_is_retried_with_the_same_caller_reference(processor, order, shopper, settings):
    """FPS answering 503: the session re-sends the same signed Pay, then the charge stays pending;
    the next charge sends the same CallerReference again and pays once."""
    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    shopper.get(pay_on_sandbox(shopper, cbui_location(processor, order)))
    sandbox_fps = settings.COLEMAN_AMAZON_FPS_ENDPOINT
    with ScriptedServer((503, b"")) as down:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = down.url
        with pytest.raises(GatewayError, match="can be retried safely"):
            processor.charge(order)
    sent = [dict(parse_qsl(body.decode())) for _, _, _, body in down.requests]
    assert len(sent) == 3 and {params["CallerReference"] for params in sent} == {f"{order.number}-pay"}
    order.refresh_from_db()
    assert order.status_id == "NEW_CHKOUT"
    assert PaymentTransaction.objects.get(kind="charge").status == "pending"

    settings.COLEMAN_AMAZON_FPS_ENDPOINT = sandbox_fps
    processor.charge(order)
    order.refresh_from_db()
    assert order.status_id == "PAID"
    charge = PaymentTransaction.objects.get(kind="charge")
    assert charge.status == "succeeded" and charge.reference == f"{order.number}-pay"


def test_charge_without_an_authorisation_is_refused(processor, order):
    """Staff cannot charge an order Amazon never authorised."""
    with pytest.raises(GatewayError):
        processor.charge(order)


def test_a_genuine_return_for_an_unknown_order_is_400(processor, shopper):
    """A return Amazon really signed, naming no order of ours, is refused with 400."""
    params = outbound_signed(
        {"status": "SC", "tokenID": "T", "callerReference": "NOPE"},
        method="GET",
        url=f"http://testserver{RETURN_PATH}",
        certificate_url=SANDBOX_CERTIFICATE,
    )
    assert shopper.get(RETURN_PATH, params).status_code == 400


def test_a_return_signed_with_the_merchant_secret_is_not_amazons(processor, order, shopper):
    """The old scheme (HmacSHA256 under our own secret) proves nothing about Amazon: 403, nothing stored."""
    params = {"status": "SC", "tokenID": "T", "callerReference": order.number, "signatureMethod": "HmacSHA256"}
    params["signatureVersion"] = "2"
    params["signature"] = aws_signature(SECRET, "GET", "testserver", RETURN_PATH, params)
    assert shopper.get(RETURN_PATH, params).status_code == 403
    assert not PaymentTransaction.objects.filter(kind="authorize").exists()


def test_a_return_naming_a_foreign_certificate_is_refused_before_asking_fps(processor, order, shopper, settings):
    """A certificateUrl off Amazon's hosts is refused at the door: 403, FPS never asked."""
    params = outbound_signed(
        {"status": "SC", "tokenID": "T", "callerReference": order.number},
        method="GET",
        url=f"http://testserver{RETURN_PATH}",
        certificate_url="https://fps.amazonaws.com.evil.example/certs/PKICert.pem",
    )
    with ScriptedServer((200, b"")) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        response = shopper.get(RETURN_PATH, params)
    assert response.status_code == 403 and fps.requests == []
    assert "certificateUrl" in PaymentEvent.objects.get(processor="amazon").message


def genuine_return(order, certificate_url, **fields):
    """A return for ``order`` as Amazon signs it, naming ``certificate_url``."""
    params = {"status": "SC", "tokenID": "T", "callerReference": order.number, **fields}
    return outbound_signed(params, method="GET", url=RETURN_URL, certificate_url=certificate_url)


def test_the_return_is_verified_by_fps_verify_signature(processor, order, shopper, settings):
    """The store asks FPS (VerifySignature, signed SigV2) with the return URL and the query as received."""
    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    success = VERIFY_FAILURE.replace(b"Failure", b"Success")
    with ScriptedServer((200, success)) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        response = shopper.get(RETURN_PATH, genuine_return(order, f"{fps.url}certs/PKICert.pem"))
        query = response.wsgi_request.META["QUERY_STRING"]
    assert response.status_code == 302
    sent = dict(parse_qsl(fps.requests[0][3].decode()))
    assert sent["Action"] == "VerifySignature" and sent["Version"] == "2008-09-17"
    assert sent["UrlEndPoint"] == RETURN_URL and sent["HttpParameters"] == query
    assert sent["Signature"] == aws_signature(SECRET, "POST", urlsplit(fps.url).netloc, "/", sent)
    assert PaymentTransaction.objects.get(kind="authorize").status == "succeeded"


def test_fps_saying_failure_refuses_the_return(processor, order, shopper, settings):
    """VerificationStatus Failure → 403 and the order untouched."""
    with ScriptedServer((200, VERIFY_FAILURE)) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        assert shopper.get(RETURN_PATH, genuine_return(order, f"{fps.url}certs/PKICert.pem")).status_code == 403
    order.refresh_from_db()
    assert order.status_id == "NEW"


def test_fps_unreachable_during_verification_is_503_not_500(processor, order, shopper, settings):
    """When FPS cannot verify the return now, the shopper gets 503 and may reload; nothing is stored."""
    with ScriptedServer((503, b"")) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        assert shopper.get(RETURN_PATH, genuine_return(order, f"{fps.url}certs/PKICert.pem")).status_code == 503
    assert not PaymentTransaction.objects.filter(kind="authorize").exists()


def test_refund_is_sent_once_and_retries_answer_the_same(processor, order, shopper):
    """Staff refund sends FPS Refund for the charge; refunding again returns the first refund."""
    shopper.get(pay_on_sandbox(shopper, cbui_location(processor, order)))
    first = processor.refund(order)
    again = processor.refund(order)
    assert first.status == "succeeded" and first.remote_id and first.pk == again.pk
    assert first.amount == Decimal("30.50") and first.reference == f"{order.number}-refund"


def test_refund_needs_a_completed_charge_and_a_sensible_amount(processor, order, shopper):
    """No charge → refused; more than was charged → refused; neither reaches Amazon as a refund."""
    with pytest.raises(GatewayError):
        processor.refund(order)
    shopper.get(pay_on_sandbox(shopper, cbui_location(processor, order)))
    with pytest.raises(GatewayError):
        processor.refund(order, amount=Decimal("31.00"))
    assert not PaymentTransaction.objects.filter(kind="refund").exists()


def test_sandbox_refuses_refunding_more_than_was_paid(processor, order, shopper):
    """FPS refuses a second refund reference that would exceed the payment."""
    shopper.get(pay_on_sandbox(shopper, cbui_location(processor, order)))
    charge = PaymentTransaction.objects.get(kind="charge")
    client = processor.fps_client()
    client.refund(transaction_id=charge.remote_id, amount=Decimal("20.00"), caller_reference="R-1")
    with pytest.raises(AmazonResponseError) as caught:
        client.refund(transaction_id=charge.remote_id, amount=Decimal("20.00"), caller_reference="R-2")
    assert caught.value.code == "RefundAmountExceeded"


def test_the_return_costs_the_same_queries_for_any_order_size(processor, order, shopper):
    """Handling a paid return does not query per order line: 2 lines and 27 lines cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.orders import LineFactory, OrderFactory

    big = OrderFactory(user=order.user, subtotal=Decimal("25.00"), shipping=Decimal("5.00"), total=Decimal("30.00"))
    LineFactory.create_batch(27, order=big, unit_price=Decimal("1.00"), line_total=Decimal("1.00"))
    counts = []
    for each in (order, big):
        return_url = pay_on_sandbox(shopper, cbui_location(processor, each))
        with CaptureQueriesContext(connection) as captured:
            response = shopper.get(return_url)
        assert response.status_code == 302
        each.refresh_from_db()
        assert each.status_id == "PAID"
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_system_checks_report_missing_keys_and_sandbox_endpoints_in_production(processor, settings):
    """E140 for missing keys; where sandboxes are not allowed, E108 for each sandbox endpoint
    (this site's relative page, this site's or Amazon's sandbox API) until both are Amazon's live URLs."""

    def amazon_sandbox_errors():
        return [e.msg.split()[0] for e in check_sandbox() if e.obj == "coleman.payments.processors.amazon.AmazonFPS"]

    assert processor.check() == []
    settings.COLEMAN_AMAZON_SECRET_KEY = ""
    assert [error.id for error in processor.check()] == ["coleman.E140"]
    settings.COLEMAN_AMAZON_SECRET_KEY = "live-secret"
    assert amazon_sandbox_errors() == []  # the test settings allow sandboxes
    settings.COLEMAN_PAYMENTS_ALLOW_SANDBOX = False
    assert amazon_sandbox_errors() == ["COLEMAN_AMAZON_CBUI_ENDPOINT", "COLEMAN_AMAZON_FPS_ENDPOINT"]
    settings.COLEMAN_AMAZON_CBUI_ENDPOINT = "https://authorize.payments.amazon.com/cobranded-ui/actions/start"
    settings.COLEMAN_AMAZON_FPS_ENDPOINT = "https://fps.sandbox.amazonaws.com/"
    assert amazon_sandbox_errors() == ["COLEMAN_AMAZON_FPS_ENDPOINT"]
    del settings.COLEMAN_AMAZON_FPS_ENDPOINT  # back to the default: Amazon's live API
    assert amazon_sandbox_errors() == []
    assert processor.setting("FPS_ENDPOINT") == "https://fps.amazonaws.com/"


def test_staff_charge_and_refund_actions_call_amazon(processor, order, shopper, staff_client, settings):
    """The admin "charge" action pays an authorised Amazon order; "refund" then refunds it."""
    from django.urls import reverse

    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    shopper.get(pay_on_sandbox(shopper, cbui_location(processor, order)))
    changelist = reverse("admin:orders_order_changelist")
    staff_client.post(changelist, {"action": "charge_orders", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status_id == "PAID"
    staff_client.post(changelist, {"action": "refund_orders", "_selected_action": [order.pk]})
    assert PaymentTransaction.objects.get(processor="amazon", kind="refund").status == "succeeded"


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(st.sampled_from(RETURN_FIELDS) | st.text(max_size=8), RETURN_VALUES, max_size=8))
def test_any_forged_return_is_a_4xx_never_a_500(client, db, params):
    """Whatever parameters arrive at the return URL without Amazon's signature, the answer is 4xx."""
    response = client.get("/payments/amazon/return/", params)
    assert response.status_code in {400, 403}
