"""PayPal NVP protocol: encoding, the Express Checkout calls, error handling and IPN verification."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests.adapters import BaseAdapter

from coleman.payments.exceptions import GatewayResponseError
from coleman.payments.http import gateway_session
from coleman.payments.processors.paypal import protocol as paypal
from coleman.payments.processors.paypal.client import NvpClient, verify_ipn

PAYMENT = paypal.PaymentRequest(
    invoice="C-1001",
    currency="USD",
    item_amount=Decimal("20.00"),
    shipping_amount=Decimal("5"),
    total=Decimal("25.00"),
    lines=[
        paypal.PaymentLine(name="Cranberry sauce", number="CRAN-1", quantity=2, unit_price=Decimal("7.5")),
        paypal.PaymentLine(name="Tea & honey", number="TEA-2", quantity=1, unit_price=Decimal("5.00")),
    ],
)


class RecordingTransport(BaseAdapter):
    """A transport adapter: answers each request with the next canned body, records what was posted."""

    def __init__(self, *answers):
        super().__init__()
        self.answers = list(answers)
        self.calls = []

    def send(self, request, timeout=None, **kwargs):
        """Record ``(url, body, timeout)`` and answer HTTP 200 with the next canned body."""
        self.calls.append((request.url, request.body, timeout))
        response = requests.Response()
        response.status_code, response._content, response.request = 200, self.answers.pop(0), request
        return response

    def close(self):
        """Nothing to close."""

    def posted(self, index=0):
        """The fields of the ``index``-th call, decoded independently with parse_qs."""
        return {k: v[0] for k, v in parse_qs(self.calls[index][1].decode(), keep_blank_values=True).items()}


def session(transport):
    """A gateway session whose HTTPS requests go to ``transport``."""
    mounted = gateway_session("PayPal")
    mounted.mount("https://", transport)
    return mounted


def client(transport):
    return NvpClient(
        session(transport),
        endpoint="https://api-3t.sandbox.paypal.com/nvp",
        user="merchant_api1.example.com",
        password="PWD",
        signature="SIG",
    )


@given(st.dictionaries(st.text(min_size=1, max_size=15), st.text(max_size=40), max_size=10))
def test_nvp_round_trips(params):
    """Any names and values (&, =, spaces, unicode) survive encode → decode unchanged."""
    assert paypal.decode_nvp(paypal.encode_nvp(params)) == params


def test_nvp_decoding_refuses_repeats_garbage_and_huge_bodies():
    """A repeated field, a pair without '=', or a body over 64 KiB is malformed."""
    with pytest.raises(paypal.PayPalMalformed):
        paypal.decode_nvp("ACK=Success&ACK=Failure")
    with pytest.raises(paypal.PayPalMalformed):
        paypal.decode_nvp("ACK")
    with pytest.raises(paypal.PayPalMalformed):
        paypal.decode_nvp(b"A=" + b"x" * (65 * 1024))
    assert paypal.decode_nvp(b"") == {}


def test_set_express_checkout_sends_credentials_order_and_urls():
    """SetExpressCheckout posts credentials, version, amounts, INVNUM, lines and URLs; returns the token."""
    transport = RecordingTransport(b"TOKEN=EC%2d5YJ748178G052312W&ACK=Success&CORRELATIONID=abc&VERSION=124%2e0")
    token = client(transport).set_express_checkout(
        PAYMENT,
        return_url="http://testserver/payments/paypal/return/",
        cancel_url="http://testserver/cart/",
        notify_url="http://testserver/payments/paypal/ipn/",
    )
    assert token == "EC-5YJ748178G052312W"
    sent = transport.posted()
    assert transport.calls[0][0] == "https://api-3t.sandbox.paypal.com/nvp"
    assert sent["USER"] == "merchant_api1.example.com" and sent["PWD"] == "PWD" and sent["SIGNATURE"] == "SIG"
    assert sent["METHOD"] == "SetExpressCheckout" and sent["VERSION"] == "124.0"
    assert sent["PAYMENTREQUEST_0_AMT"] == "25.00"
    assert sent["PAYMENTREQUEST_0_ITEMAMT"] == "20.00"
    assert sent["PAYMENTREQUEST_0_SHIPPINGAMT"] == "5.00"
    assert sent["PAYMENTREQUEST_0_CURRENCYCODE"] == "USD"
    assert sent["PAYMENTREQUEST_0_INVNUM"] == "C-1001"
    assert sent["PAYMENTREQUEST_0_PAYMENTACTION"] == "Sale"
    assert sent["PAYMENTREQUEST_0_NOTIFYURL"] == "http://testserver/payments/paypal/ipn/"
    assert sent["RETURNURL"] == "http://testserver/payments/paypal/return/"
    assert sent["CANCELURL"] == "http://testserver/cart/"
    assert sent["L_PAYMENTREQUEST_0_NAME1"] == "Tea & honey"
    assert sent["L_PAYMENTREQUEST_0_AMT0"] == "7.50" and sent["L_PAYMENTREQUEST_0_QTY0"] == "2"


def test_failure_ack_raises_with_paypal_error_codes():
    """ACK=Failure becomes PayPalApiError carrying every L_ERRORCODEn; 10002 reads as an auth failure."""
    transport = RecordingTransport(
        b"ACK=Failure&L_ERRORCODE0=10002&L_SHORTMESSAGE0=Security%20error"
        b"&L_LONGMESSAGE0=Security%20header%20is%20not%20valid&L_SEVERITYCODE0=Error"
    )
    with pytest.raises(paypal.PayPalApiError) as caught:
        client(transport).get_express_checkout_details("EC-1")
    assert caught.value.codes == ["10002"]
    assert caught.value.is_auth_failure
    assert caught.value.errors[0][2] == "Security header is not valid"


@pytest.mark.parametrize("answer", [b"<html>502 Bad Gateway</html>", b"CORRELATIONID=x", b"A=1&A=2"])
def test_answers_that_are_not_nvp_are_gateway_errors_not_crashes(answer):
    """HTML, an answer without ACK or malformed NVP raise GatewayResponseError, not a crash."""
    with pytest.raises(GatewayResponseError):
        client(RecordingTransport(answer)).get_express_checkout_details("EC-1")


def test_get_details_and_do_payment():
    """Details read the payer and invoice; DoExpressCheckoutPayment re-sends our amounts and reads the txn."""
    transport = RecordingTransport(
        b"ACK=Success&TOKEN=EC-1&PAYERID=PAYER1&EMAIL=buyer%40example.com&FIRSTNAME=Ada&LASTNAME=Lovelace"
        b"&PAYMENTREQUEST_0_INVNUM=C-1001&PAYMENTREQUEST_0_AMT=25.00&PAYMENTREQUEST_0_CURRENCYCODE=USD"
        b"&CHECKOUTSTATUS=PaymentActionNotInitiated",
        b"ACK=Success&TOKEN=EC-1&PAYMENTINFO_0_TRANSACTIONID=8AB12345CD678901E&PAYMENTINFO_0_PAYMENTSTATUS=Completed"
        b"&PAYMENTINFO_0_AMT=25.00&PAYMENTINFO_0_CURRENCYCODE=USD",
    )
    nvp = client(transport)
    details = nvp.get_express_checkout_details("EC-1")
    assert details.approved and details.payer_name == "Ada Lovelace" and details.invoice == "C-1001"
    result = nvp.do_express_checkout_payment(token="EC-1", payer_id=details.payer_id, payment=PAYMENT)
    assert result.completed and result.transaction_id == "8AB12345CD678901E"
    sent = transport.posted(1)
    assert sent["METHOD"] == "DoExpressCheckoutPayment" and sent["PAYERID"] == "PAYER1"
    assert sent["PAYMENTREQUEST_0_AMT"] == "25.00" and sent["TOKEN"] == "EC-1"


def test_repeated_payment_is_recognised():
    """PayPal's 10415 ("already completed for this token") is flagged as already_completed."""
    transport = RecordingTransport(b"ACK=Failure&L_ERRORCODE0=10415&L_SHORTMESSAGE0=Transaction%20refused")
    with pytest.raises(paypal.PayPalApiError) as caught:
        client(transport).do_express_checkout_payment(token="EC-1", payer_id="P", payment=PAYMENT)
    assert caught.value.already_completed


def test_approval_url_carries_the_token():
    """The approval redirect is the webscr page with cmd=_express-checkout and the token."""
    url = paypal.approval_url("https://www.sandbox.paypal.com/cgi-bin/webscr", "EC-5YJ748178G052312W")
    assert urlsplit(url).path == "/cgi-bin/webscr"
    assert parse_qs(urlsplit(url).query) == {"cmd": ["_express-checkout"], "token": ["EC-5YJ748178G052312W"]}


IPN_BODY = (
    b"txn_id=61E67681CH3238416&txn_type=express_checkout&payment_status=Completed&invoice=C-1001"
    b"&mc_gross=25.00&mc_currency=USD&receiver_email=merchant%40example.com"
)


@pytest.mark.parametrize(("answer", "verified"), [(b"VERIFIED", True), (b"INVALID", False)])
def test_ipn_is_posted_back_verbatim(answer, verified):
    """The post-back is cmd=_notify-validate followed by the IPN body byte for byte."""
    transport = RecordingTransport(answer)
    assert (
        verify_ipn(session(transport), IPN_BODY, postback_url="https://ipnpb.sandbox.paypal.com/cgi-bin/webscr")
        is verified
    )
    assert transport.calls[0][1] == b"cmd=_notify-validate&" + IPN_BODY


def test_ipn_postback_with_an_unexpected_answer_is_refused():
    """An answer other than VERIFIED/INVALID is not taken as either."""
    with pytest.raises(GatewayResponseError):
        verify_ipn(session(RecordingTransport(b"<html>oops")), IPN_BODY, postback_url="https://x/")


def test_ipn_mismatches():
    """Amount, currency and receiver are each checked against our order."""
    ipn = paypal.Ipn.from_params(paypal.decode_nvp(IPN_BODY))
    assert ipn.mismatches(amount=Decimal("25"), currency="USD", receiver_email="Merchant@Example.com") == []
    problems = ipn.mismatches(amount=Decimal("30.00"), currency="EUR", receiver_email="other@example.com")
    assert len(problems) == 3
    assert "amount" in problems[0] and "currency" in problems[1] and "receiver" in problems[2]
