"""The Amazon sandbox: the CBUI pages and the FPS Pay endpoint behave like Amazon's, refusals included."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import include, path

from coleman.payments.http import gateway_session
from coleman.payments.processors.amazon import protocol as amazon
from coleman.payments.processors.amazon import returns
from coleman.payments.processors.amazon.client import FpsClient
from coleman.payments.sandbox import amazon as sandbox_amazon

# This module is also the URLconf of its tests: the sandbox's Amazon URLs alone.
urlpatterns = [
    path("sandbox/amazon/", include((sandbox_amazon.urlpatterns, "sandbox"))),
    path("", include("coleman.products.urls")),  # the page frame links home and to all products
]
pytestmark = pytest.mark.urls(__name__)

KEY = "SANDBOX-AMAZON-ACCESS-KEY"
SECRET = "sandbox-amazon-secret-key-not-secret"
CBUI = "http://testserver/sandbox/amazon/cbui/"
FPS = "http://testserver/sandbox/amazon/fps/"
RETURN_URL = "http://testserver/payments/amazon/return/"
CERTIFICATE = "http://testserver/sandbox/amazon/certs/sandbox/PKICert.pem"


@pytest.fixture(autouse=True)
def _sandbox_templates(settings):
    """Find the sandbox templates even when the sandbox app is not installed in these settings."""
    templates = Path(sandbox_amazon.__file__).parent.parent / "templates"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], templates]}]


def cbui_params(**overrides):
    params = amazon.cbui_parameters(
        access_key=KEY,
        caller_reference="C-1001",
        amount=Decimal("25.00"),
        reason="Purchase from Coleman Store",
        return_url=RETURN_URL,
    )
    params.update(overrides)
    return params


def signed_query(params, secret=SECRET):
    return urlsplit(amazon.cbui_url(CBUI, params, secret)).query


def test_a_signed_request_shows_the_sandbox_pay_page(client):
    """A correctly signed CBUI request shows a page labelled SANDBOX with the amount and reference."""
    response = client.get(f"/sandbox/amazon/cbui/?{signed_query(cbui_params())}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SANDBOX" in html and "25.00" in html and "C-1001" in html
    assert 'value="pay"' in html and 'value="decline"' in html


@pytest.mark.parametrize(
    ("query", "status"),
    [
        (lambda: signed_query(cbui_params(callerKey="UNKNOWN-KEY")), 403),
        (lambda: signed_query(cbui_params(), secret="wrong-secret"), 403),
        (
            lambda: signed_query(cbui_params()).replace("transactionAmount=25.00", "transactionAmount=0.01"),
            403,
        ),
        (lambda: signed_query(cbui_params(returnURL="/relative/")), 400),
        (lambda: signed_query(cbui_params(transactionAmount="-1")), 400),
        (lambda: signed_query(cbui_params(pipelineName="Recurring")), 400),
        (lambda: "", 403),
    ],
)
def test_bad_requests_are_refused_with_4xx(client, query, status):
    """Unknown key, wrong secret, tampered amount, bad return URL/amount/pipeline are refused (never 5xx)."""
    response = client.get(f"/sandbox/amazon/cbui/?{query()}")
    assert response.status_code == status
    assert "refused" in response.content.decode()


def test_paying_redirects_back_with_a_signed_token(client):
    """Pay sends the browser to returnURL with status SC, a token and callerReference the store can verify."""
    response = client.post("/sandbox/amazon/cbui/", {"query": signed_query(cbui_params()), "decision": "pay"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(RETURN_URL + "?")
    returned = dict(parse_qsl(urlsplit(location).query))
    assert returned["signatureMethod"] == "RSA-SHA1" and returned["signatureVersion"] == "2"
    assert returned["certificateUrl"] == CERTIFICATE
    assert sandbox_amazon.verify_outbound("GET", RETURN_URL, returned)
    result = returns.parse_cbui_return(returned)
    assert result.succeeded and result.caller_reference == "C-1001" and result.token_id


def test_declining_redirects_back_with_status_a(client):
    """Decline sends the browser back with status A and no token, still signed."""
    response = client.post("/sandbox/amazon/cbui/", {"query": signed_query(cbui_params()), "decision": "decline"})
    returned = dict(parse_qsl(urlsplit(response["Location"]).query))
    assert sandbox_amazon.verify_outbound("GET", RETURN_URL, returned)
    result = returns.parse_cbui_return(returned)
    assert result.status == "A" and not result.token_id


def test_a_tampered_decision_form_is_refused(client):
    """Re-posting the form with an altered amount fails the signature check."""
    query = signed_query(cbui_params()).replace("25.00", "1.00")
    response = client.post("/sandbox/amazon/cbui/", {"query": query, "decision": "pay"})
    assert response.status_code == 403


# --- FPS Pay ---------------------------------------------------------------------------


def authorised_token(client, **overrides):
    response = client.post(
        "/sandbox/amazon/cbui/", {"query": signed_query(cbui_params(**overrides)), "decision": "pay"}
    )
    return dict(parse_qsl(urlsplit(response["Location"]).query))["tokenID"]


def fps(secret=SECRET, key=KEY):
    """The store's FPS client, talking HTTP to the sandbox (http://testserver/ goes to the test client)."""
    return FpsClient(gateway_session("Amazon FPS", idempotent=True), endpoint=FPS, access_key=key, secret_key=secret)


def test_pay_charges_a_token_and_a_retry_answers_the_same_transaction(client):
    """Pay succeeds; the same CallerReference, token and amount again returns the same TransactionId."""
    token = authorised_token(client)
    first = fps().pay(sender_token_id=token, amount=Decimal("25.00"), caller_reference="C-1001-pay")
    again = fps().pay(sender_token_id=token, amount=Decimal("25.00"), caller_reference="C-1001-pay")
    assert first.succeeded and first.transaction_id == again.transaction_id


def test_pay_refusals(client):
    """Reference reuse with other parameters, a second reference on a single-use token,
    an amount above the authorisation and a forged token are each refused with their FPS code."""
    token = authorised_token(client)
    fps().pay(sender_token_id=token, amount=Decimal("20.00"), caller_reference="C-1001-pay")
    cases = [
        (
            {"sender_token_id": token, "amount": Decimal("21.00"), "caller_reference": "C-1001-pay"},
            "DuplicateRequest",
        ),
        (
            {"sender_token_id": token, "amount": Decimal("20.00"), "caller_reference": "C-other"},
            "TokenUsageError",
        ),
        (
            {"sender_token_id": "forged", "amount": Decimal("1.00"), "caller_reference": "C-x"},
            "InvalidTokenId_Sender",
        ),
    ]
    for kwargs, code in cases:
        with pytest.raises(amazon.AmazonResponseError) as caught:
            fps().pay(**kwargs)
        assert caught.value.code == code
    fresh = authorised_token(client, callerReference="C-1002")
    with pytest.raises(amazon.AmazonResponseError) as caught:
        fps().pay(sender_token_id=fresh, amount=Decimal("25.01"), caller_reference="C-1002-pay")
    assert caught.value.code == "AmountOutOfRange"


def test_pay_with_wrong_credentials_is_refused_403(client):
    """A wrong secret key or an unknown access key gets 403 and an auth error code."""
    token = authorised_token(client)
    with pytest.raises(amazon.AmazonResponseError) as caught:
        fps(secret="wrong").pay(sender_token_id=token, amount=Decimal("1"), caller_reference="C-y")
    assert caught.value.code == "SignatureDoesNotMatch" and caught.value.is_auth_failure
    with pytest.raises(amazon.AmazonResponseError) as caught:
        fps(key="NOPE").pay(sender_token_id=token, amount=Decimal("1"), caller_reference="C-y")
    assert caught.value.code == "InvalidAccessKeyId"
    response = client.post("/sandbox/amazon/fps/", {"Action": "Pay"})
    assert response.status_code == 403


def test_pay_with_a_stale_timestamp_is_refused(client):
    """A request whose Timestamp is 20 minutes old is refused as expired."""
    token = authorised_token(client)
    params = amazon.pay_parameters(
        access_key=KEY,
        sender_token_id=token,
        amount=Decimal("1.00"),
        caller_reference="C-z",
        timestamp=amazon.aws_timestamp(datetime.now(UTC) - timedelta(minutes=20)),
    )
    signed = amazon.sign_fps_parameters(FPS, params, SECRET, method="POST")
    response = client.post("/sandbox/amazon/fps/", signed)
    assert response.status_code == 400
    assert b"RequestExpired" in response.content
