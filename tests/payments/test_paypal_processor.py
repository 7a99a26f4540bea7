"""The PayPal Express Checkout processor in the store: hand-off, return, "Place order", IPN, refund.

The gateway sandbox plays PayPal: browser steps go through the test client, NVP calls and IPN
post-backs reach the sandbox over HTTP (http://testserver/…, handed to the test client by the
suite's transport adapter). The sandbox keeps the IPNs it sends in its IPN history instead of
posting them (no background thread in these tests); the tests replay them to the store.
"""

from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from coleman.payments.checks import check_sandbox
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from coleman.payments.processors import get_processor
from coleman.payments.processors.paypal.processor import payment_request_for
from coleman.payments.sandbox.paypal.ipn import remember_ipn, sent_ipns

IPN_URL = "/payments/paypal/ipn/"


@pytest.fixture(autouse=True)
def _no_ipn_delivery(settings):
    """The sandbox's IPNs are captured by the tests, not posted over HTTP."""
    settings.COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False


@pytest.fixture
def processor():
    return get_processor("paypal")


@pytest.fixture
def shopper(client, order):
    """A browser logged in as the order's customer."""
    client.force_login(order.user)
    return client


def sent_ipn_bodies():
    """The IPN bodies the sandbox sent (its IPN history), oldest first."""
    return [body for _url, body in sent_ipns()]


def told(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def approval_location(processor, order):
    response = processor.get_checkout_response(RequestFactory().get("/checkout/paypal/"), order)
    assert response.status_code == 302
    return response["Location"]


def approve(client, location, decision="pay"):
    """Press a button on the sandbox approval page; return where PayPal sends the browser."""
    page = client.get(location)
    assert page.status_code == 200 and b"SANDBOX" in page.content
    token = dict(parse_qsl(urlsplit(location).query))["token"]
    response = client.post(urlsplit(location).path, {"cmd": "_express-checkout", "token": token, "decision": decision})
    assert response.status_code == 302
    return response["Location"]


def pay(client, processor, order):
    """The whole shopper journey up to and including "Place order"; returns the final response."""
    return_url = approve(client, approval_location(processor, order))
    confirm = client.get(return_url)
    assert confirm.status_code == 200
    returned = dict(parse_qsl(urlsplit(return_url).query))
    return client.post("/payments/paypal/confirm/", {"token": returned["token"], "PayerID": returned["PayerID"]})


def post_ipn(body):
    return Client().post(IPN_URL, data=body, content_type="application/x-www-form-urlencoded")


def test_handoff_sets_up_the_checkout_with_our_order(processor, order):
    """SetExpressCheckout carries our order number and amounts; the browser goes to the approval page."""
    location = approval_location(processor, order)
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query))
    assert parts.path == "/sandbox/paypal/webscr/" and query["cmd"] == "_express-checkout"
    assert PaymentTransaction.objects.get(processor="paypal", kind="checkout").token == query["token"]
    details = processor.client().get_express_checkout_details(query["token"])
    assert details.invoice == order.number and details.amount == "30.50" and details.currency == "USD"


def test_approve_confirm_and_place_order_marks_the_order_paid(processor, order, shopper):
    """Approve on the sandbox → confirm page ("Place order") → DoExpressCheckoutPayment → PAID."""
    return_url = approve(shopper, approval_location(processor, order))
    confirm = shopper.get(return_url)
    html = confirm.content.decode()
    assert "Place order" in html and "$30.50" in html and order.number in html
    order.refresh_from_db()
    assert order.status_id == "NEW"
    returned = dict(parse_qsl(urlsplit(return_url).query))
    response = shopper.post("/payments/paypal/confirm/", {"token": returned["token"], "PayerID": returned["PayerID"]})
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert "PayPal accepted your payment" in told(response)
    order.refresh_from_db()
    assert order.status_id == "PAID"
    charge = PaymentTransaction.objects.get(processor="paypal", kind="charge")
    assert charge.status == "succeeded" and charge.amount == Decimal("30.50") and charge.remote_id
    assert f"PAYMENTINFO_0_TRANSACTIONID={charge.remote_id}" in charge.raw_response


def test_placing_the_order_twice_pays_once(processor, order, shopper):
    """A second "Place order" finds the order paid and calls nothing."""
    pay(shopper, processor, order)
    token = PaymentTransaction.objects.get(kind="checkout").token
    response = shopper.post("/payments/paypal/confirm/", {"token": token, "PayerID": "x"})
    assert "already paid" in told(response)
    assert PaymentTransaction.objects.filter(kind="charge").count() == 1


def test_the_ipn_after_payment_verifies_and_a_replay_changes_nothing(processor, order, shopper):
    """The sandbox's IPN is verified by post-back; the first is acknowledged, the replay is a duplicate."""
    pay(shopper, processor, order)
    history = order.history.count()
    [ipn] = sent_ipn_bodies()
    assert post_ipn(ipn).status_code == 200
    assert post_ipn(ipn).status_code == 200
    order.refresh_from_db()
    assert order.status_id == "PAID" and order.history.count() == history
    outcomes = sorted(PaymentEvent.objects.filter(kind__startswith="ipn").values_list("outcome", flat=True))
    assert outcomes == sorted([EventOutcome.IGNORED, EventOutcome.DUPLICATE])


def test_the_ipn_alone_marks_the_order_paid(processor, order, shopper):
    """If the store never saw DoExpressCheckoutPayment's answer, the verified IPN still pays the order."""
    return_url = approve(shopper, approval_location(processor, order))
    returned = dict(parse_qsl(urlsplit(return_url).query))
    processor.client().do_express_checkout_payment(
        token=returned["token"],
        payer_id=returned["PayerID"],
        payment=payment_request_for(order),
    )
    assert post_ipn(sent_ipn_bodies()[0]).status_code == 200
    order.refresh_from_db()
    assert order.status_id == "PAID"


def test_a_forged_ipn_is_refused(order):
    """An IPN PayPal did not send (the post-back answers INVALID) gets 403 and changes nothing."""
    body = urlencode(
        {
            "txn_id": "FORGED1",
            "payment_status": "Completed",
            "invoice": order.number,
            "mc_gross": "30.50",
            "mc_currency": "USD",
            "receiver_email": "sandbox-merchant@example.com",
        }
    ).encode()
    assert post_ipn(body).status_code == 403
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert PaymentEvent.objects.get(processor="paypal").outcome == EventOutcome.REJECTED


@pytest.mark.parametrize(
    "change",
    [{"mc_gross": "1.00"}, {"mc_currency": "EUR"}, {"receiver_email": "thief@example.com"}],
)
def test_a_verified_ipn_that_does_not_match_flags_the_order(order, change):
    """A genuine IPN with a wrong amount, currency or receiver moves the order to EXCEPTION, not PAID."""
    fields = {
        "txn_id": "TXN-MISMATCH",
        "txn_type": "express_checkout",
        "payment_status": "Completed",
        "invoice": order.number,
        "mc_gross": "30.50",
        "mc_currency": "USD",
        "receiver_email": "sandbox-merchant@example.com",
        **change,
    }
    body = urlencode(fields).encode()
    remember_ipn(body)  # PayPal really sent it: the post-back says VERIFIED
    assert post_ipn(body).status_code == 200
    order.refresh_from_db()
    assert order.status_id == "EXCEPTION"
    assert PaymentEvent.objects.get(processor="paypal").outcome == EventOutcome.FLAGGED


@pytest.mark.parametrize("body", [b"a=1&a=2", b"no-equals-sign", b"x=" + b"y" * 70_000])
def test_malformed_ipns_get_400(db, body):
    """Repeated fields, garbage and oversized IPNs are refused with 400, never a 500."""
    assert post_ipn(body).status_code == 400


def test_ipn_endpoint_only_takes_post(client):
    """GET on the IPN endpoint is 405."""
    assert client.get(IPN_URL).status_code == 405


def test_cancelling_at_paypal_returns_to_the_cart_unpaid(processor, order, shopper):
    """Cancel on the sandbox → back to the cart with a clear message; the order stays NEW."""
    cancel_url = approve(shopper, approval_location(processor, order), decision="decline")
    response = shopper.get(cancel_url)
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert f"Your order {order.number} is saved but not paid" in told(response)
    order.refresh_from_db()
    assert order.status_id == "NEW"


def test_someone_elses_checkout_is_404(processor, order, django_user_model):
    """Another customer opening the return URL gets 404 (no order details leak)."""
    stranger = Client()
    stranger.force_login(django_user_model.objects.create_user("stranger", "s@example.com", "pw-stranger-1"))
    return_url = approve(stranger, approval_location(processor, order))
    assert stranger.get(return_url).status_code == 404
    token = dict(parse_qsl(urlsplit(return_url).query))["token"]
    assert stranger.post("/payments/paypal/confirm/", {"token": token, "PayerID": "x"}).status_code == 404


def test_a_checkout_that_no_longer_matches_the_order_is_flagged(processor, order, shopper):
    """If PayPal's amount differs from our order's, the return view flags the order and takes nothing."""
    return_url = approve(shopper, approval_location(processor, order))
    type(order).objects.filter(pk=order.pk).update(total=Decimal("99.00"))
    response = shopper.get(return_url)
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status_id == "EXCEPTION"


def test_confirm_requires_csrf(processor, order):
    """ "Place order" is a POST protected by CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(order.user)
    assert client.post("/payments/paypal/confirm/", {"token": "EC-1", "PayerID": "P"}).status_code == 403


def test_refund_once(processor, order, shopper):
    """Staff refund calls RefundTransaction once; a second refund returns the first."""
    pay(shopper, processor, order)
    first = processor.refund(order)
    again = processor.refund(order)
    assert first.status == "succeeded" and first.pk == again.pk and first.remote_id


def test_wrong_api_credentials_fail_the_handoff_cleanly(processor, order, settings):
    """With a wrong API password PayPal refuses; the shopper lands on the unpaid order, no 500."""
    settings.COLEMAN_PAYPAL_API_PASSWORD = "wrong"
    response = processor.get_checkout_response(RequestFactory().get("/checkout/paypal/"), order)
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status_id == "NEW"
    assert not PaymentTransaction.objects.filter(processor="paypal", kind="checkout", token__gt="").exists()


def test_return_and_place_order_cost_the_same_queries_for_any_order_size(processor, order, shopper):
    """The confirm page and "Place order" do not query per line: 2 lines and 27 lines cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coleman.products.menu import category_menu
    from tests.factories.orders import LineFactory, OrderFactory

    big = OrderFactory(user=order.user, subtotal=Decimal("27.00"), shipping=Decimal("5.00"), total=Decimal("32.00"))
    LineFactory.create_batch(27, order=big, unit_price=Decimal("1.00"), line_total=Decimal("1.00"))
    category_menu()  # the header's menu is read once and cached: both pages find it built
    counts = []
    shopper.get("/")  # the logged-in user's row is then read from the cache (CachedModelBackend)
    for each in (order, big):
        return_url = approve(shopper, approval_location(processor, each))
        returned = dict(parse_qsl(urlsplit(return_url).query))
        with CaptureQueriesContext(connection) as page:
            assert shopper.get(return_url).status_code == 200
        with CaptureQueriesContext(connection) as place:
            shopper.post("/payments/paypal/confirm/", {"token": returned["token"], "PayerID": returned["PayerID"]})
        each.refresh_from_db()
        assert each.status_id == "PAID"
        counts.append((len(page.captured_queries), len(place.captured_queries)))
    assert counts[0] == counts[1], counts


def test_system_checks_report_missing_credentials_and_sandbox_endpoints_in_production(processor, settings):
    """E150 for missing credentials; where sandboxes are not allowed, E108 for each endpoint that
    is not PayPal's live one."""

    def paypal_sandbox_errors():
        path = "coleman.payments.processors.paypal.PayPalExpressCheckout"
        return [e.msg.split()[0] for e in check_sandbox() if e.obj == path]

    assert processor.check() == []
    settings.COLEMAN_PAYPAL_API_SIGNATURE = ""
    assert [error.id for error in processor.check()] == ["coleman.E150"]
    settings.COLEMAN_PAYPAL_API_SIGNATURE = "live-signature"
    settings.COLEMAN_PAYMENTS_ALLOW_SANDBOX = False
    assert paypal_sandbox_errors() == [
        "COLEMAN_PAYPAL_NVP_ENDPOINT",
        "COLEMAN_PAYPAL_APPROVAL_URL",
        "COLEMAN_PAYPAL_IPN_POSTBACK_URL",
    ]
    settings.COLEMAN_PAYPAL_NVP_ENDPOINT = "https://api-3t.paypal.com/nvp"
    settings.COLEMAN_PAYPAL_APPROVAL_URL = "https://www.sandbox.paypal.com/cgi-bin/webscr"
    settings.COLEMAN_PAYPAL_IPN_POSTBACK_URL = "https://ipnpb.paypal.com/cgi-bin/webscr"
    assert paypal_sandbox_errors() == ["COLEMAN_PAYPAL_APPROVAL_URL"]
    settings.COLEMAN_PAYPAL_APPROVAL_URL = "https://www.paypal.com/cgi-bin/webscr"
    assert paypal_sandbox_errors() == []


def test_cancel_is_logged_as_an_event(processor, order, shopper):
    """The cancel return is in the payment-event log (ignored: nothing to apply)."""
    shopper.get(approve(shopper, approval_location(processor, order), decision="decline"))
    event = PaymentEvent.objects.get(processor="paypal", kind="cancel")
    assert event.order_id == order.pk and event.outcome == EventOutcome.IGNORED


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=300))
def test_any_unverified_ipn_body_is_a_4xx_never_a_500(db, body):
    """Whatever bytes are posted to the IPN URL without PayPal having sent them, the answer is 4xx."""
    assert post_ipn(body).status_code in {400, 403}


def test_a_non_ascii_payer_id_is_refused_not_a_crash(processor, order, shopper):
    """A hand-edited return URL with a non-ASCII PayerID is a 400, and so is paying with it."""
    return_url = approve(shopper, approval_location(processor, order))
    token = dict(parse_qsl(urlsplit(return_url).query))["token"]
    assert shopper.get("/payments/paypal/return/", {"token": token, "PayerID": "pâyer"}).status_code == 400
    response = shopper.post("/payments/paypal/confirm/", {"token": token, "PayerID": "pâyer"})
    assert "PayPal refused the payment" in told(response)
    order.refresh_from_db()
    assert order.status_id == "NEW"


def test_a_refund_ipn_is_recorded_once(processor, order, shopper):
    """A verified "Refunded" IPN records a refund transaction; its replay adds nothing."""
    pay(shopper, processor, order)
    charge = PaymentTransaction.objects.get(processor="paypal", kind="charge")
    body = urlencode(
        {
            "txn_id": "REFUND-1",
            "parent_txn_id": charge.remote_id,
            "payment_status": "Refunded",
            "invoice": order.number,
            "mc_gross": "-30.50",
            "mc_currency": "USD",
            "receiver_email": "sandbox-merchant@example.com",
        }
    ).encode()
    remember_ipn(body)
    assert post_ipn(body).status_code == 200
    assert post_ipn(body).status_code == 200
    refund = PaymentTransaction.objects.get(processor="paypal", kind="refund")
    assert refund.remote_id == "REFUND-1" and refund.amount == Decimal("30.50")
    assert refund.status == "succeeded"
    order.refresh_from_db()
    assert order.status_id == "PAID"


def test_the_ipn_for_our_own_refund_adds_no_second_refund(processor, order, shopper):
    """After the staff refund, PayPal's "Refunded" IPN for that refund is recognised, not recorded twice."""
    pay(shopper, processor, order)
    ours = processor.refund(order)
    body = urlencode(
        {
            "txn_id": ours.remote_id,
            "payment_status": "Refunded",
            "invoice": order.number,
            "mc_gross": "-30.50",
            "mc_currency": "USD",
            "receiver_email": "sandbox-merchant@example.com",
        }
    ).encode()
    remember_ipn(body)
    assert post_ipn(body).status_code == 200
    assert PaymentTransaction.objects.filter(processor="paypal", kind="refund").count() == 1
    assert PaymentEvent.objects.get(kind__startswith="ipn").outcome == EventOutcome.IGNORED


def test_a_windows_1252_ipn_is_read_in_its_charset(processor, order, shopper):
    """The sandbox's IPN is windows-1252 (PayPal's default charset): the store honours its
    ``charset`` and keeps "José", not "Jos\ufffd", in the event log (issue 18)."""
    pay(shopper, processor, order)
    [ipn] = sent_ipn_bodies()
    assert b"charset=windows-1252" in ipn and b"Jos%E9" in ipn
    assert post_ipn(ipn).status_code == 200
    event = PaymentEvent.objects.get(kind="ipn-express_checkout")
    assert event.parsed["first_name"] == "José" and "José" in event.body and "\ufffd" not in event.body


@pytest.mark.parametrize(
    ("charset", "encoded"),
    [("UTF-8", "Jos%C3%A9"), ("windows-1252", "Jos%E9"), ("ISO-8859-1", "Jos%E9"), ("", "Jos%E9")],
)
def test_ipns_in_each_charset_keep_the_name(order, charset, encoded):
    """UTF-8, windows-1252 and ISO-8859-1 IPNs (and one naming no charset, in PayPal's default)
    all give "José"."""
    head = f"charset={charset}&" if charset else ""
    body = (
        f"{head}txn_id=TXN-{charset or 'none'}&txn_type=express_checkout&payment_status=Pending&invoice={order.number}"
        f"&mc_gross=30.50&mc_currency=USD&receiver_email=sandbox-merchant%40example.com&first_name={encoded}"
    ).encode("ascii")
    remember_ipn(body)
    assert post_ipn(body).status_code == 200
    assert PaymentEvent.objects.get(processor="paypal").parsed["first_name"] == "José"


@pytest.mark.parametrize("body", [b"charset=klingon&txn_id=1", b"charset=UTF-8&first_name=Jos%E9&txn_id=1"])
def test_ipns_in_an_unknown_or_wrong_charset_get_400(db, body):
    """An IPN naming a charset we do not know, or bytes that are not of its charset: 400, logged."""
    assert post_ipn(body).status_code == 400
    assert PaymentEvent.objects.get(processor="paypal").outcome == EventOutcome.REJECTED
