"""The PayPal sandbox: NVP API, approval page and IPN post-back behave like PayPal's, refusals included."""

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import include, path

from coleman.payments.http import gateway_session
from coleman.payments.processors.paypal import protocol as paypal
from coleman.payments.processors.paypal.client import NvpClient, verify_ipn
from coleman.payments.sandbox import paypal as sandbox_paypal
from coleman.payments.sandbox.paypal.ipn import deliver_ipn, sent_ipns
from tests.payments.scripted_server import ScriptedServer

urlpatterns = [
    path("sandbox/paypal/", include((sandbox_paypal.urlpatterns, "sandbox"))),
    path("", include("coleman.products.urls")),  # the page frame links home and to all products
]
pytestmark = pytest.mark.urls(__name__)

USER = "sandbox-merchant_api1.example.com"
PASSWORD = "sandbox-password-not-secret"
SIGNATURE = "sandbox-signature-not-secret"
RETURN_URL = "http://testserver/payments/paypal/return/"
CANCEL_URL = "http://testserver/cart/"
NOTIFY_URL = "http://testserver/payments/paypal/ipn/"

PAYMENT = paypal.PaymentRequest(
    invoice="C-1001",
    currency="USD",
    item_amount=Decimal("20.00"),
    shipping_amount=Decimal("5.00"),
    total=Decimal("25.00"),
    lines=[paypal.PaymentLine(name="Cranberry sauce", number="CRAN-1", quantity=2, unit_price=Decimal("10.00"))],
)


@pytest.fixture(autouse=True)
def _sandbox(settings):
    """Sandbox templates found without the app installed; IPNs recorded here instead of posted."""
    templates = Path(sandbox_paypal.__file__).parents[1] / "templates"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], templates]}]
    settings.COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False


def nvp_client(password=PASSWORD):
    """The store's NVP client, talking HTTP to the sandbox (http://testserver/ goes to the test client)."""
    return NvpClient(
        gateway_session("PayPal"),
        endpoint="http://testserver/sandbox/paypal/nvp/",
        user=USER,
        password=password,
        signature=SIGNATURE,
    )


def start(client, payment=PAYMENT):
    return nvp_client().set_express_checkout(
        payment, return_url=RETURN_URL, cancel_url=CANCEL_URL, notify_url=NOTIFY_URL
    )


def approve(client, token, decision="pay"):
    response = client.post(
        "/sandbox/paypal/webscr/", {"cmd": "_express-checkout", "token": token, "decision": decision}
    )
    assert response.status_code == 302
    return response["Location"]


def test_wrong_credentials_get_paypal_security_error(client):
    """A wrong API password is answered ACK=Failure with error 10002 (an auth failure)."""
    with pytest.raises(paypal.PayPalApiError) as caught:
        nvp_client(password="wrong").set_express_checkout(PAYMENT, return_url=RETURN_URL, cancel_url=CANCEL_URL)
    assert caught.value.is_auth_failure


def test_inconsistent_amounts_are_refused(client):
    """Item total + shipping must equal the order total, and lines must add up to the item total."""
    bad_total = paypal.PaymentRequest(**{**PAYMENT.__dict__, "total": Decimal("26.00")})
    bad_lines = paypal.PaymentRequest(
        **{**PAYMENT.__dict__, "item_amount": Decimal("21.00"), "total": Decimal("26.00")}
    )
    for payment in (bad_total, bad_lines):
        with pytest.raises(paypal.PayPalApiError) as caught:
            start(client, payment)
        assert caught.value.codes == ["10413"]


def test_approval_page_is_labelled_sandbox_and_shows_the_order(client):
    """The approval page shows SANDBOX, the invoice and the amount; unknown tokens get 404."""
    token = start(client)
    response = client.get(f"/sandbox/paypal/webscr/?cmd=_express-checkout&token={token}")
    html = response.content.decode()
    assert response.status_code == 200 and "SANDBOX" in html and "C-1001" in html and "25.00" in html
    assert client.get("/sandbox/paypal/webscr/?cmd=_express-checkout&token=EC-NOPE").status_code == 404
    assert client.get(f"/sandbox/paypal/webscr/?cmd=_xclick&token={token}").status_code == 400


def test_full_express_checkout_then_ipn_verified(client):
    """Set → approve → details → pay; the IPN it sends verifies, a forged one does not, a repeat pay fails."""
    token = start(client)
    location = approve(client, token)
    assert location.startswith(RETURN_URL)
    returned = dict(parse_qsl(urlsplit(location).query))
    assert returned["token"] == token and returned["PayerID"]

    api = nvp_client()
    details = api.get_express_checkout_details(token)
    assert details.payer_id == returned["PayerID"] and details.invoice == "C-1001" and details.amount == "25.00"
    result = api.do_express_checkout_payment(token=token, payer_id=details.payer_id, payment=PAYMENT)
    assert result.completed and result.amount == "25.00"
    assert api.get_express_checkout_details(token).checkout_status == "PaymentActionCompleted"

    with pytest.raises(paypal.PayPalApiError) as caught:
        api.do_express_checkout_payment(token=token, payer_id=details.payer_id, payment=PAYMENT)
    assert caught.value.already_completed

    assert len(sent_ipns()) == 1
    url, body = sent_ipns()[0]
    assert url == NOTIFY_URL
    ipn = paypal.Ipn.from_params(paypal.decode_ipn(body)[0])
    assert ipn.txn_id == result.transaction_id and ipn.invoice == "C-1001" and ipn.payment_status == "Completed"

    postback = "http://testserver/sandbox/paypal/ipn-verify/"
    assert verify_ipn(gateway_session("PayPal"), body, postback_url=postback) is True
    forged = body.replace(b"mc_gross=25.00", b"mc_gross=1.00")
    assert verify_ipn(gateway_session("PayPal"), forged, postback_url=postback) is False


def test_payment_needs_approval_and_the_right_payer_and_amount(client):
    """Paying before approval, with another PayerID or another amount is refused."""
    token = start(client)
    api = nvp_client()
    with pytest.raises(paypal.PayPalApiError):
        api.do_express_checkout_payment(token=token, payer_id="SOMEONE", payment=PAYMENT)
    payer_id = dict(parse_qsl(urlsplit(approve(client, token)).query))["PayerID"]
    with pytest.raises(paypal.PayPalApiError):
        api.do_express_checkout_payment(token=token, payer_id="SOMEONE", payment=PAYMENT)
    cheaper = paypal.PaymentRequest(**{**PAYMENT.__dict__, "total": Decimal("1.00")})
    with pytest.raises(paypal.PayPalApiError) as caught:
        api.do_express_checkout_payment(token=token, payer_id=payer_id, payment=cheaper)
    assert caught.value.codes == ["10413"]


def test_declining_returns_to_the_cancel_url(client):
    """Cancel sends the browser to CANCELURL with the token and no PayerID."""
    token = start(client)
    location = approve(client, token, decision="decline")
    assert location.startswith(CANCEL_URL)
    assert dict(parse_qsl(urlsplit(location).query)) == {"token": token}


def test_refund_once(client):
    """A completed transaction can be refunded once; a second refund is refused."""
    token = start(client)
    payer_id = dict(parse_qsl(urlsplit(approve(client, token)).query))["PayerID"]
    api = nvp_client()
    txn = api.do_express_checkout_payment(token=token, payer_id=payer_id, payment=PAYMENT).transaction_id
    assert api.refund_transaction(txn)["REFUNDTRANSACTIONID"]
    with pytest.raises(paypal.PayPalApiError):
        api.refund_transaction(txn)


def test_garbage_to_the_nvp_endpoint_is_a_failure_not_a_crash(client):
    """A body that is not NVP gets an NVP failure answer; GET is not allowed."""
    response = client.post("/sandbox/paypal/nvp/", data=b"A=1&A=2", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and paypal.decode_nvp(response.content)["ACK"] == "Failure"
    assert client.get("/sandbox/paypal/nvp/").status_code == 405


def test_ipn_delivery_is_resent_until_the_store_answers_200():
    """Like PayPal, the sandbox resends an IPN the store did not acknowledge with 200."""
    with ScriptedServer((503, b""), (500, b""), (200, b"")) as store:
        assert deliver_ipn(store.url, b"txn_id=1", delays=(0, 0, 0, 0)) is True
    assert [(path, body) for _, path, _, body in store.requests] == [("/", b"txn_id=1")] * 3


#: The fields PayPal's IPN for an Express Checkout payment carried (IPN and PDT Variables reference).
IPN_FIELDS = {
    "txn_id", "txn_type", "payment_status", "payment_date", "payment_type", "invoice", "mc_gross", "mc_fee",
    "mc_currency", "payment_gross", "tax", "quantity", "item_name", "business", "receiver_email", "receiver_id",
    "payer_id", "payer_email", "payer_status", "first_name", "last_name", "residence_country",
    "protection_eligibility", "charset", "notify_version", "verify_sign", "test_ipn", "ipn_track_id",
    "transaction_subject", "custom",
}  # fmt: skip


def test_the_ipn_carries_paypals_fields_in_the_accounts_charset(client):
    """The sandbox's IPN has the fields PayPal sent (charset, notify_version, verify_sign,
    payment_date in Pacific time, business, txn_type, payer_status, mc_currency…) and is encoded
    in the charset it names: windows-1252 by default, so the buyer "José" travels as Jos%E9."""
    token = start(client)
    payer_id = dict(parse_qsl(urlsplit(approve(client, token)).query))["PayerID"]
    nvp_client().do_express_checkout_payment(token=token, payer_id=payer_id, payment=PAYMENT)
    [(_url, body)] = sent_ipns()
    fields, _text = paypal.decode_ipn(body)
    assert IPN_FIELDS <= set(fields)
    assert b"first_name=Jos%E9" in body and fields["first_name"] == "José"
    assert (fields["charset"], fields["notify_version"], fields["txn_type"]) == (
        "windows-1252",
        "3.9",
        "express_checkout",
    )
    assert (fields["payer_status"], fields["mc_currency"], fields["business"]) == (
        "verified",
        "USD",
        fields["receiver_email"],
    )
    assert re.fullmatch(r"\d\d:\d\d:\d\d [A-Z][a-z]{2} \d\d, \d{4} P[SD]T", fields["payment_date"])
    assert len(fields["verify_sign"]) >= 40


def test_the_ipn_charset_is_the_sandboxs_setting(client, settings):
    """An account set to UTF-8 gets UTF-8 IPNs that say so."""
    settings.COLEMAN_SANDBOX_PAYPAL_IPN_CHARSET = "UTF-8"
    token = start(client)
    payer_id = dict(parse_qsl(urlsplit(approve(client, token)).query))["PayerID"]
    nvp_client().do_express_checkout_payment(token=token, payer_id=payer_id, payment=PAYMENT)
    [(_url, body)] = sent_ipns()
    assert b"charset=UTF-8" in body and b"first_name=Jos%C3%A9" in body


def nvp_call(client, **fields):
    """POST a raw NVP call to the sandbox; returns the decoded answer."""
    body = "&".join(f"{name}={value}" for name, value in fields.items())
    response = client.post("/sandbox/paypal/nvp/", data=body, content_type="application/x-www-form-urlencoded")
    return paypal.decode_nvp(response.content)


@pytest.mark.parametrize("version", ["124.0", "98.0", "65.1"])
def test_nvp_answers_echo_the_version_and_carry_paypals_bookkeeping(client, version):
    """Every answer, success or failure, echoes the VERSION asked for and carries TIMESTAMP (UTC,
    2009-02-03T17:47:41Z form), CORRELATIONID and BUILD, as PayPal's did."""
    token = start(client)
    credentials = {"USER": USER, "PWD": PASSWORD, "SIGNATURE": SIGNATURE, "VERSION": version}
    answers = [
        nvp_call(client, **credentials, METHOD="GetExpressCheckoutDetails", TOKEN=token),
        nvp_call(client, **{**credentials, "PWD": "wrong"}, METHOD="GetExpressCheckoutDetails", TOKEN=token),
    ]
    assert [a["ACK"] for a in answers] == ["Success", "Failure"]
    for answer in answers:
        assert answer["VERSION"] == version
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", answer["TIMESTAMP"])
        assert re.fullmatch(r"[0-9a-f]{13}", answer["CORRELATIONID"]) and answer["BUILD"].isdigit()
    assert answers[0]["CORRELATIONID"] != answers[1]["CORRELATIONID"]
    no_version = nvp_call(client, USER=USER, PWD=PASSWORD, SIGNATURE=SIGNATURE, METHOD="GetExpressCheckoutDetails")
    assert no_version["VERSION"] == "124.0"
