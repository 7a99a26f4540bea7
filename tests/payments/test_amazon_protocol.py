"""Amazon FPS protocol: Signature Version 2, the CBUI request and return, FPS requests, answers and errors.

Expected signatures are either AWS's own published example or recomputed here directly with
hmac/hashlib from a string to sign written out by hand, never with the code under test.
"""

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coleman.payments.exceptions import GatewayUnavailable
from coleman.payments.http import gateway_session
from coleman.payments.processors.amazon import protocol as amazon
from coleman.payments.processors.amazon import returns
from coleman.payments.processors.amazon.client import FpsClient
from coleman.payments.sandbox.amazon import aws_signature as sandbox_signature
from tests.payments.documents import aws_signature
from tests.payments.scripted_server import DROP, ScriptedServer

AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#: AWS's worked Signature Version 2 example (Elastic MapReduce) and its published signature.
AWS_EXAMPLE_PARAMS = {
    "Action": "DescribeJobFlows",
    "Version": "2009-03-31",
    "AWSAccessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "SignatureVersion": "2",
    "SignatureMethod": "HmacSHA256",
    "Timestamp": "2011-10-03T15:19:30",
}
AWS_EXAMPLE_SIGNATURE = "i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf/Mj6vPxyYIs="


def hand_signature(secret, message):
    """HMAC-SHA256 + base64, computed independently of the module under test."""
    return base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()).decode()


def test_signature_matches_aws_published_example():
    """AWS's worked Signature Version 2 example (Elastic MapReduce) signs identically."""
    signature = amazon.sign(AWS_EXAMPLE_SECRET, "GET", "elasticmapreduce.amazonaws.com", "/", AWS_EXAMPLE_PARAMS)
    assert signature == AWS_EXAMPLE_SIGNATURE


def test_the_sandbox_signs_aws_published_example_with_its_own_code():
    """The gateway sandbox's own Signature Version 2 lines give AWS's published answer too."""
    signature = sandbox_signature(AWS_EXAMPLE_SECRET, "GET", "elasticmapreduce.amazonaws.com", "/", AWS_EXAMPLE_PARAMS)
    assert signature == AWS_EXAMPLE_SIGNATURE


def test_string_to_sign_is_verb_host_path_and_byte_sorted_query():
    """The canonical string: upper-case verb, lower-cased host, path, names sorted in byte order."""
    params = {"callerKey": "K", "Action": "Pay", "AWSAccessKeyId": "A", "signature": "dropped"}
    assert amazon.string_to_sign("get", "FPS.Sandbox.AmazonAWS.com", "/", params) == (
        "GET\nfps.sandbox.amazonaws.com\n/\nAWSAccessKeyId=A&Action=Pay&callerKey=K"
    )


def test_values_are_rfc3986_encoded():
    """Spaces become %20 (not +), / : * and non-ASCII are percent-encoded, ~ is kept."""
    assert amazon.aws_quote("Purchase from Coleman Store") == "Purchase%20from%20Coleman%20Store"
    assert amazon.aws_quote("http://x/y?a=1") == "http%3A%2F%2Fx%2Fy%3Fa%3D1"
    assert amazon.aws_quote("a*b~c") == "a%2Ab~c"
    assert amazon.aws_quote("café") == "caf%C3%A9"


def test_cbui_url_is_signed_over_its_own_host_and_path():
    """The CBUI URL carries every parameter and a signature an independent computation reproduces."""
    params = amazon.cbui_parameters(
        access_key="AKEY",
        caller_reference="C-1001",
        amount=Decimal("12.5"),
        reason="Purchase from Coleman Store",
        return_url="http://testserver/payments/amazon/return/",
    )
    url = amazon.cbui_url("https://authorize.payments-sandbox.amazon.com/cobranded-ui/actions/start", params, "S3CR3T")
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["pipelineName"] == "SingleUse"
    assert query["transactionAmount"] == "12.50"
    assert query["callerReference"] == "C-1001"
    assert query["signatureMethod"] == "HmacSHA256" and query["signatureVersion"] == "2"
    assert query["paymentMethod"] == "ABT,ACH,CC"
    canonical = (
        "callerKey=AKEY&callerReference=C-1001&currencyCode=USD&paymentMethod=ABT%2CACH%2CCC"
        "&paymentReason=Purchase%20from%20Coleman%20Store&pipelineName=SingleUse"
        "&returnURL=http%3A%2F%2Ftestserver%2Fpayments%2Famazon%2Freturn%2F"
        "&signatureMethod=HmacSHA256&signatureVersion=2&transactionAmount=12.50&version=2009-01-09"
    )
    expected = hand_signature(
        "S3CR3T", f"GET\nauthorize.payments-sandbox.amazon.com\n/cobranded-ui/actions/start\n{canonical}"
    )
    assert query["signature"] == expected


def _return(**overrides):
    """A return as Amazon sends it (RSA-SHA1 fields; the signature itself is FPS's to check)."""
    return {
        "status": "SC",
        "tokenID": "TOKEN123",
        "callerReference": "C-1001",
        "signatureMethod": "RSA-SHA1",
        "signatureVersion": "2",
        "certificateUrl": "https://fps.sandbox.amazonaws.com/certs/090909/PKICert.pem",
        "signature": "c2lnbmF0dXJl",
        **overrides,
    }


def test_a_return_is_read_once_verified():
    """A return with Amazon's signature fields yields its status, token and reference."""
    result = returns.parse_cbui_return(_return())
    assert result == returns.CbuiReturn(status="SC", token_id="TOKEN123", caller_reference="C-1001")
    assert result.succeeded


@pytest.mark.parametrize(
    "overrides",
    [
        {"signatureMethod": "HmacSHA256"},
        {"signatureMethod": "HmacSHA1"},
        {"signatureVersion": "1"},
        {"certificateUrl": ""},
        {"signature": ""},
        {"status": ""},
        {"tokenID": ""},
        {"tokenID": "x" * 256},
    ],
)
def test_a_return_without_amazons_signature_fields_or_its_data_is_refused(overrides):
    """Only RSA-SHA1 / version 2 with a signature and certificateUrl, and a complete success, are read."""
    with pytest.raises(amazon.AmazonSignatureError):
        returns.parse_cbui_return(_return(**overrides))


def test_a_declined_return_needs_no_token():
    """Status A (aborted) is a valid return without a token, and reads as not succeeded."""
    result = returns.parse_cbui_return(_return(status="A", tokenID=""))
    assert not result.succeeded
    assert "cancelled" in result.message


AMAZON = ("fps.amazonaws.com", "fps.sandbox.amazonaws.com")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://fps.sandbox.amazonaws.com/certs/090909/PKICert.pem", True),
        ("https://fps.amazonaws.com/certs/110909/PKICert.pem", True),
        ("https://FPS.amazonaws.com/certs/PKICert.pem", True),
        ("http://fps.amazonaws.com/certs/PKICert.pem", False),
        ("https://fps.amazonaws.com:8443/certs/PKICert.pem", False),
        ("https://fps.amazonaws.com.evil.example/PKICert.pem", False),
        ("https://fps.amazonaws.com@evil.example/PKICert.pem", False),
        ("https://evil.example/fps.amazonaws.com/PKICert.pem", False),
        ("http://testserver/sandbox/amazon/certs/sandbox/PKICert.pem", True),
        ("https://testserver/sandbox/amazon/certs/sandbox/PKICert.pem", False),
        ("http://localhost:8000/sandbox/amazon/certs/sandbox/PKICert.pem", True),
        ("http://localhost:8001/sandbox/amazon/certs/sandbox/PKICert.pem", False),
        ("", False),
    ],
)
def test_certificate_url_must_be_on_an_amazon_host_or_a_service_url_we_use(url, allowed):
    """https on Amazon's FPS hosts (no port, no tricks), or the scheme and host of the FPS endpoint or
    CBUI page we use."""
    services = ("http://testserver/sandbox/amazon/fps/", "http://localhost:8000/sandbox/amazon/cbui/")
    assert returns.certificate_url_allowed(url, AMAZON, *services) is allowed


def test_verify_signature_request_and_answers():
    """VerifySignature carries UrlEndPoint and HttpParameters; Success/Failure are read, others refused."""
    params = amazon.verify_signature_parameters(
        access_key="AKEY", url_endpoint="https://shop.example/payments/amazon/return/", http_parameters="a=1&b=2"
    )
    assert params["Action"] == "VerifySignature" and params["Version"] == "2008-09-17"
    assert params["UrlEndPoint"] == "https://shop.example/payments/amazon/return/"
    assert params["HttpParameters"] == "a=1&b=2"
    document = (
        '<VerifySignatureResponse xmlns="http://fps.amazonaws.com/doc/2008-09-17/"><VerifySignatureResult>'
        "<VerificationStatus>{}</VerificationStatus></VerifySignatureResult></VerifySignatureResponse>"
    )
    assert amazon.parse_verify_signature_response(document.format("Success").encode()) is True
    assert amazon.parse_verify_signature_response(document.format("Failure").encode()) is False
    with pytest.raises(amazon.AmazonMalformedResponse):
        amazon.parse_verify_signature_response(document.format("Maybe").encode())


def test_an_answer_in_another_versions_namespace_is_refused():
    """A PayResponse in the 2010-08-28 namespace is not the answer to a 2008-09-17 request, and vice versa."""
    newer = PAY_OK.replace(b"2008-09-17", b"2010-08-28")
    assert amazon.parse_pay_response(newer, version="2010-08-28").succeeded
    with pytest.raises(amazon.AmazonMalformedResponse):
        amazon.parse_pay_response(newer)
    with pytest.raises(amazon.AmazonMalformedResponse):
        amazon.parse_pay_response(PAY_OK, version="2010-08-28")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("InsufficientBalance", "decline"),
        ("InvalidTokenId_Sender", "decline"),
        ("TokenNotActive_Sender", "decline"),
        ("TokenUsageError", "decline"),
        ("AmountOutOfRange", "decline"),
        ("TransactionDenied", "decline"),
        ("InternalError", "retry"),
        ("ServiceUnavailable", "retry"),
        ("Throttling", "retry"),
        ("InvalidParams", "error"),
        ("DuplicateRequest", "error"),
        ("SignatureDoesNotMatch", "error"),
        ("SomethingNew", "error"),
    ],
)
def test_fps_error_codes_are_declines_retries_or_errors(code, kind):
    """Each documented FPS error code is a decline, a retry or an error; unknown codes are errors."""
    error = amazon.AmazonResponseError(code, "m")
    assert error.kind == kind
    assert error.is_decline is (kind == "decline") and error.is_retryable is (kind == "retry")


def test_pay_request_parameters_and_signature():
    """Pay carries the token, amount, currency and CallerReference, signed for the FPS host."""
    params = amazon.pay_parameters(
        access_key="AKEY",
        sender_token_id="TOKEN123",
        amount=Decimal("12.50"),
        caller_reference="C-1001-pay",
        timestamp=amazon.aws_timestamp(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),
    )
    signed = amazon.sign_fps_parameters("https://fps.sandbox.amazonaws.com/", params, "S3CR3T")
    canonical = (
        "AWSAccessKeyId=AKEY&Action=Pay&CallerReference=C-1001-pay&SenderTokenId=TOKEN123"
        "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-24T12%3A00%3A00.000Z"
        "&TransactionAmount.CurrencyCode=USD&TransactionAmount.Value=12.50&Version=2008-09-17"
    )
    assert signed["Signature"] == hand_signature("S3CR3T", f"GET\nfps.sandbox.amazonaws.com\n/\n{canonical}")


PAY_OK = b"""<?xml version="1.0"?>
<PayResponse xmlns="http://fps.amazonaws.com/doc/2008-09-17/">
  <PayResult><TransactionId>14GN3Q6V2MKNJ6AUQ1RBD3EV1DSVH1AJ7BN</TransactionId>
  <TransactionStatus>Success</TransactionStatus></PayResult>
  <ResponseMetadata><RequestId>b7d7b4bb-7d5b-4b7a-bf6b-2a0d6a0c0a0a:0</RequestId></ResponseMetadata>
</PayResponse>"""

PAY_ERROR = b"""<?xml version="1.0"?>
<Response><Errors><Error><Code>InvalidTokenId</Code><Message>Token invalid.</Message></Error></Errors>
<RequestID>c0ffee</RequestID></Response>"""


def test_pay_response_is_parsed():
    """A PayResponse yields its transaction id and status."""
    result = amazon.parse_pay_response(PAY_OK)
    assert result.transaction_id == "14GN3Q6V2MKNJ6AUQ1RBD3EV1DSVH1AJ7BN"
    assert result.succeeded and result.request_id.startswith("b7d7")


def test_pay_error_document_raises_a_classified_error():
    """An FPS error document becomes AmazonResponseError with its code."""
    with pytest.raises(amazon.AmazonResponseError) as caught:
        amazon.parse_pay_response(PAY_ERROR)
    assert caught.value.code == "InvalidTokenId" and caught.value.is_decline
    assert not caught.value.is_auth_failure


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<PayResponse><PayResult/></PayResponse>",
        b"<Other/>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<PayResponse><PayResult><TransactionId>&b;</TransactionId>"
        b"<TransactionStatus>Success</TransactionStatus></PayResult></PayResponse>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><PayResponse>&x;</PayResponse>',
        b"<PayResponse>" + b" " * (70 * 1024) + b"</PayResponse>",
    ],
)
def test_malformed_or_hostile_pay_responses_are_refused(body):
    """Garbage, incomplete documents, DTDs/entities and oversized bodies raise AmazonMalformedResponse."""
    with pytest.raises(amazon.AmazonMalformedResponse):
        amazon.parse_pay_response(body)


@given(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=20), max_size=6), st.text(min_size=1))
def test_signature_round_trips_for_any_parameters(params, secret):
    """For any parameters, the signature verifies, and fails with a different secret."""
    params = {k: v for k, v in params.items() if k not in {"signature", "Signature"}}
    sig = amazon.sign(secret, "GET", "example.com", "/p", params)
    assert amazon.signature_is_valid(secret, "GET", "example.com", "/p", params, sig)
    assert not amazon.signature_is_valid(secret + "x", "GET", "example.com", "/p", params, sig)


def fps_client(url):
    """An FPS client of an idempotent gateway session (the processor's), aimed at ``url``."""
    return FpsClient(
        gateway_session("Amazon FPS", idempotent=True), endpoint=url, access_key="AKEY", secret_key="S3CR3T"
    )


def test_pay_is_resent_with_the_same_caller_reference_and_is_posted_signed():
    """After a 503 and a lost answer Pay is re-sent unchanged (same reference, token, amount, signature)."""
    with ScriptedServer((503, b""), DROP, (200, PAY_OK)) as server:
        result = fps_client(server.url).pay(
            sender_token_id="TOKEN123", amount=Decimal("12.50"), caller_reference="C-1-pay"
        )
    assert result.succeeded
    bodies = [dict(parse_qsl(body.decode())) for _, _, _, body in server.requests]
    assert len(bodies) == 3 and all(body == bodies[0] for body in bodies)
    assert bodies[0]["CallerReference"] == "C-1-pay" and bodies[0]["TransactionAmount.Value"] == "12.50"
    host = urlsplit(server.url).netloc
    assert bodies[0]["Signature"] == aws_signature("S3CR3T", "POST", host, "/", bodies[0])


def test_pay_gives_up_after_its_retries():
    """When every attempt fails GatewayUnavailable is raised (nothing is taken as paid)."""
    with ScriptedServer((503, b"")) as server:
        with pytest.raises(GatewayUnavailable):
            fps_client(server.url).pay(sender_token_id="T", amount=Decimal("1"), caller_reference="C-2")
    assert len(server.requests) == 3


def test_pay_refusal_is_not_retried():
    """An FPS error document (HTTP 400) is an answer, not a failure: it is raised at once."""
    with ScriptedServer((400, PAY_ERROR)) as server:
        with pytest.raises(amazon.AmazonResponseError):
            fps_client(server.url).pay(sender_token_id="T", amount=Decimal("1"), caller_reference="C-3")
    assert len(server.requests) == 1
