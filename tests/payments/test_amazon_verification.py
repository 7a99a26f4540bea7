"""Amazon's own signatures (RSA-SHA1 + certificateUrl) on returns and IPNs, FPS's VerifySignature,
GetTransactionStatus and API versions — between the store and the gateway sandbox.

The sandbox signs with its own RSA key (made with ``cryptography``), serves its certificate,
and answers VerifySignature; the store's FPS calls reach it over HTTP through the suite's
transport adapter (http://testserver/…).
"""

import base64
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import RequestFactory

from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.processors.amazon.errors import AmazonResponseError
from coleman.payments.sandbox.amazon import outbound_signed
from tests.payments.scripted_server import ScriptedServer

CERTIFICATE = "http://testserver/sandbox/amazon/certs/sandbox/PKICert.pem"
CALLBACK = "http://testserver/payments/amazon/callback/"
RETURN_URL = "http://testserver/payments/amazon/return/"


def rfc3986(value):
    """AWS's percent-encoding, written out here."""
    return quote(value, safe="-_.~")


@pytest.fixture
def processor():
    return get_processor("amazon")


def paid_on_sandbox(client, processor, order):
    """Hand the order to the sandbox CBUI, press Pay, come back: the return URL the browser follows."""
    location = processor.get_checkout_response(RequestFactory().get("/checkout/amazon/"), order)["Location"]
    response = client.post(urlsplit(location).path, {"query": urlsplit(location).query, "decision": "pay"})
    return response["Location"]


def test_the_sandbox_serves_the_certificate_whose_key_signs_its_returns(client, processor, order):
    """The PEM at certificateUrl holds the public key that verifies the return's RSA-SHA1 signature
    over Signature Version 2's string (checked here with cryptography, apart from both sides' code)."""
    returned = dict(parse_qsl(urlsplit(paid_on_sandbox(client, processor, order)).query))
    assert returned["certificateUrl"] == CERTIFICATE
    pem = client.get(urlsplit(CERTIFICATE).path)
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN CERTIFICATE-----")
    public_key = x509.load_pem_x509_certificate(pem.content).public_key()
    canonical = "&".join(f"{rfc3986(k)}={rfc3986(v)}" for k, v in sorted(returned.items()) if k != "signature")
    message = f"GET\ntestserver\n/payments/amazon/return/\n{canonical}".encode()
    public_key.verify(base64.b64decode(returned["signature"]), message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303


def test_verify_signature_says_success_for_a_genuine_return_and_failure_for_a_tampered_one(client, processor, order):
    """FPS VerifySignature (the sandbox's): the return as sent → Success; one changed character → Failure."""
    query = urlsplit(paid_on_sandbox(client, processor, order)).query
    fps = processor.fps_client()
    assert fps.verify_signature(url_endpoint=RETURN_URL, http_parameters=query) is True
    tampered = query.replace("status=SC", "status=SA")
    assert fps.verify_signature(url_endpoint=RETURN_URL, http_parameters=tampered) is False
    assert fps.verify_signature(url_endpoint="http://testserver/elsewhere/", http_parameters=query) is False


def test_a_genuine_sandbox_return_is_accepted_and_a_tampered_one_refused(client, processor, order):
    """End to end: the genuine return pays the order; the same return with the amount's token swapped is 403."""
    return_url = paid_on_sandbox(client, processor, order)
    params = dict(parse_qsl(urlsplit(return_url).query))
    params["callerReference"] = "C-OTHER"
    assert client.get("/payments/amazon/return/", params).status_code == 403
    assert client.get(return_url).status_code == 302
    order.refresh_from_db()
    assert order.status_id == "PAID"


def ipn(processor, order, status="SUCCESS", **overrides):
    """An IPN body about the order's Pay, signed by the sandbox's Amazon for the callback URL."""
    fields = {
        "notificationType": "TransactionStatus",
        "transactionId": "14GN3Q6V2MKNJ6AUQ1RBD3EV1DSVH1AJ7BN",
        "transactionStatus": status,
        "callerReference": processor.pay_reference(order),
        "operation": "PAY",
        "transactionAmount": "USD 30.50",
        **overrides,
    }
    return outbound_signed(fields, method="POST", url=CALLBACK, certificate_url=CERTIFICATE)


def post_ipn(client, params):
    return client.post(
        "/payments/amazon/callback/", urlencode(params), content_type="application/x-www-form-urlencoded"
    )


def test_an_ipn_completes_a_pending_charge_once(client, processor, order):
    """A pending charge + a verified SUCCESS IPN → charge succeeded, order PAID; the same IPN again is a duplicate."""
    PaymentTransaction.objects.create(
        order=order, processor="amazon", kind="charge", reference=processor.pay_reference(order), amount=order.total
    )
    body = ipn(processor, order)
    assert post_ipn(client, body).status_code == 200
    assert post_ipn(client, body).status_code == 200
    order.refresh_from_db()
    charge = PaymentTransaction.objects.get(kind="charge")
    assert order.status_id == "PAID" and charge.status == "succeeded" and charge.remote_id == body["transactionId"]
    outcomes = sorted(PaymentEvent.objects.filter(kind="ipn").values_list("outcome", flat=True))
    assert outcomes == [EventOutcome.APPLIED, EventOutcome.DUPLICATE]


def test_a_tampered_or_foreign_ipn_is_refused(client, processor, order):
    """An IPN whose status was changed after signing, or that names a foreign certificate, is 403 and logged."""
    body = ipn(processor, order, status="FAILURE")
    body["transactionStatus"] = "SUCCESS"
    assert post_ipn(client, body).status_code == 403
    foreign = outbound_signed(
        {"notificationType": "TransactionStatus", "transactionStatus": "SUCCESS"},
        method="POST",
        url=CALLBACK,
        certificate_url="https://evil.example/PKICert.pem",
    )
    assert post_ipn(client, foreign).status_code == 403
    assert post_ipn(client, {"transactionStatus": "SUCCESS"}).status_code == 403
    assert set(PaymentEvent.objects.values_list("outcome", flat=True)) == {EventOutcome.REJECTED}


def test_a_failed_ipn_marks_the_charge_failed_and_leaves_the_order_unpaid(client, processor, order):
    """FAILURE → the charge is failed, the order stays NEW; an unknown CallerReference is acknowledged, ignored."""
    PaymentTransaction.objects.create(
        order=order, processor="amazon", kind="charge", reference=processor.pay_reference(order), amount=order.total
    )
    assert post_ipn(client, ipn(processor, order, status="FAILURE")).status_code == 200
    assert PaymentTransaction.objects.get(kind="charge").status == "failed"
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert post_ipn(client, ipn(processor, order, callerReference="NOT-OURS", transactionId="X")).status_code == 200
    assert PaymentEvent.objects.filter(outcome=EventOutcome.IGNORED).count() == 1


PAY_PENDING = b"""<?xml version="1.0"?><PayResponse xmlns="http://fps.amazonaws.com/doc/2008-09-17/"><PayResult>
<TransactionId>TXN-PENDING-1</TransactionId><TransactionStatus>Pending</TransactionStatus></PayResult>
<ResponseMetadata><RequestId>req-pay:0</RequestId></ResponseMetadata></PayResponse>"""
STATUS_SUCCESS = b"""<?xml version="1.0"?><GetTransactionStatusResponse
 xmlns="http://fps.amazonaws.com/doc/2008-09-17/"><GetTransactionStatusResult>
<TransactionId>TXN-PENDING-1</TransactionId><TransactionStatus>Success</TransactionStatus>
<CallerReference>x</CallerReference><StatusCode>Success</StatusCode></GetTransactionStatusResult>
<ResponseMetadata><RequestId>req-status:0</RequestId></ResponseMetadata></GetTransactionStatusResponse>"""


def test_a_pending_charge_is_asked_about_not_paid_again(client, processor, order, settings):
    """Pay answered Pending → charge pending with its TransactionId and request id; charging again sends
    GetTransactionStatus (not a second Pay) and Success pays the order."""
    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    client.get(paid_on_sandbox(client, processor, order))
    with ScriptedServer((200, PAY_PENDING), (200, STATUS_SUCCESS)) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        first = processor.charge(order)
        assert first.status == "pending" and first.remote_id == "TXN-PENDING-1" and first.request_id == "req-pay:0"
        second = processor.charge(order)
    actions = [dict(parse_qsl(body.decode()))["Action"] for _, _, _, body in fps.requests]
    assert actions == ["Pay", "GetTransactionStatus"]
    assert second.status == "succeeded" and second.request_id == "req-status:0"
    order.refresh_from_db()
    assert order.status_id == "PAID"


def test_get_transaction_status_on_the_sandbox(client, processor, order):
    """The sandbox answers GetTransactionStatus for its transactions and InvalidTransactionId otherwise."""
    client.get(paid_on_sandbox(client, processor, order))
    charge = PaymentTransaction.objects.get(kind="charge")
    status = processor.fps_client().get_transaction_status(charge.remote_id)
    assert status.succeeded and status.caller_reference == charge.reference and status.request_id
    with pytest.raises(AmazonResponseError) as caught:
        processor.fps_client().get_transaction_status("NOPE")
    assert caught.value.code == "InvalidTransactionId"


@pytest.mark.parametrize("version", ["2008-09-17", "2010-08-28"])
def test_the_whole_payment_speaks_either_fps_version(client, processor, order, settings, version):
    """With COLEMAN_AMAZON_FPS_VERSION set, every call names it and the sandbox answers in its namespace."""
    settings.COLEMAN_AMAZON_FPS_VERSION = version
    client.get(paid_on_sandbox(client, processor, order))
    charge = PaymentTransaction.objects.get(kind="charge")
    assert charge.status == "succeeded" and f"http://fps.amazonaws.com/doc/{version}/" in charge.raw_response


def test_an_unknown_fps_version_is_a_system_check_error_and_refused_by_the_sandbox(processor, settings):
    """E141 for a version FPS never served; the sandbox answers NoSuchVersion."""
    settings.COLEMAN_AMAZON_FPS_VERSION = "2007-01-08"
    assert "coleman.E141" in [error.id for error in processor.check()]
    with pytest.raises(AmazonResponseError) as caught:
        processor.fps_client().get_transaction_status("X")
    assert caught.value.code == "NoSuchVersion"


def test_payment_methods_are_a_signed_setting(client, processor, order, settings):
    """paymentMethod defaults to the book's ABT,ACH,CC; another list is signed and shown; a bad one is E142."""
    location = processor.get_checkout_response(RequestFactory().get("/"), order)["Location"]
    assert dict(parse_qsl(urlsplit(location).query))["paymentMethod"] == "ABT,ACH,CC"
    settings.COLEMAN_AMAZON_PAYMENT_METHODS = "CC"
    location = processor.get_checkout_response(RequestFactory().get("/"), order)["Location"]
    page = client.get(location)
    assert page.status_code == 200 and "Pay with</dt><dd>CC</dd>" in page.content.decode()
    tampered = location.replace("paymentMethod=CC", "paymentMethod=ABT")
    assert client.get(tampered).status_code == 403
    settings.COLEMAN_AMAZON_PAYMENT_METHODS = "CC,GOLD"
    assert "coleman.E142" in [error.id for error in processor.check()]


def test_fps_refusals_map_to_declined_or_failed_charges(client, processor, order, settings):
    """InsufficientBalance declines the charge; InternalError leaves it pending (retry); InvalidParams fails it."""
    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    client.get(paid_on_sandbox(client, processor, order))

    def error(code):
        return (
            400,
            f"<Response><Errors><Error><Code>{code}</Code><Message>m</Message></Error></Errors>"
            "<RequestID>rq</RequestID></Response>".encode(),
        )

    for code, status in [("InternalError", "pending"), ("InsufficientBalance", "declined")]:
        with ScriptedServer(error(code)) as fps:
            settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
            with pytest.raises(Exception, match="Amazon refused the payment"):
                processor.charge(order)
        assert PaymentTransaction.objects.get(kind="charge").status == status
    PaymentTransaction.objects.filter(kind="charge").update(status="pending")
    with ScriptedServer(error("InvalidParams")) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        with pytest.raises(Exception, match="Amazon refused"):
            processor.charge(order)
    assert PaymentTransaction.objects.get(kind="charge").status == "failed"
    assert Decimal(PaymentTransaction.objects.get(kind="charge").amount) == order.total


@pytest.mark.parametrize("nul", ["\x00", "%00"])
def test_nul_characters_anywhere_are_refused_not_500(client, processor, order, nul):
    """A NUL in a return, an IPN or a setup amount is refused with a 400 before the processor
    reads it (the store's control-character guard; PostgreSQL refuses NUL in text): nothing is
    recorded and the order does not move."""
    client.force_login(order.user)
    forged = f"status=SC&callerReference={nul}&signatureMethod=RSA-SHA1&signatureVersion=2&signature=x"
    assert client.get(f"/payments/amazon/return/?{forged}&certificateUrl={CERTIFICATE}").status_code == 400
    body = f"notificationType=TransactionStatus&transactionId={nul}&signature={nul}&certificateUrl={nul}"
    ipn_response = client.post("/payments/amazon/callback/", body, content_type="application/x-www-form-urlencoded")
    assert ipn_response.status_code == 400
    # A form field holds "%00" as typed (not decoded): an amount the form refuses, back to the page.
    assert client.post("/payments/amazon/prepaid/", {"amount": f"25{nul}"}).status_code == (
        400 if nul == "\x00" else 302
    )
    assert not PaymentEvent.objects.exists()
    order.refresh_from_db()
    assert order.status_id == "NEW"


@pytest.mark.parametrize(
    ("fps_status", "stored", "raises", "order_status"),
    [
        ("Success", "succeeded", False, "PAID"),
        ("Pending", "pending", False, "NEW_CHKOUT"),
        ("Reserved", "pending", False, "NEW_CHKOUT"),
        ("Failure", "failed", True, "NEW_CHKOUT"),
        ("Cancelled", "declined", True, "NEW_CHKOUT"),
    ],
)
def test_each_fps_transaction_status_is_handled(
    client, processor, order, settings, fps_status, stored, raises, order_status
):
    """Pay answered Success / Pending / Reserved / Failure / Cancelled: the charge is stored as
    succeeded / pending / pending / failed / declined; only Success pays the order."""
    settings.COLEMAN_AMAZON_PAY_ON_RETURN = False
    client.get(paid_on_sandbox(client, processor, order))
    answer = PAY_PENDING.replace(b"<TransactionStatus>Pending<", f"<TransactionStatus>{fps_status}<".encode())
    with ScriptedServer((200, answer)) as fps:
        settings.COLEMAN_AMAZON_FPS_ENDPOINT = fps.url
        if raises:
            with pytest.raises(Exception, match=f"status {fps_status}"):
                processor.charge(order)
        else:
            processor.charge(order)
    assert PaymentTransaction.objects.get(kind="charge").status == stored
    order.refresh_from_db()
    assert order.status_id == order_status
