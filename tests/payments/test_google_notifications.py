"""The Google Checkout Notification API endpoint: authentication, parsing, idempotency, the pipeline."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from tests.payments.documents import amount_xml, basic, new_order_xml, state_change_xml
from tests.payments.schemas import assert_valid_google_document

pytestmark = pytest.mark.django_db

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<new-order-notification xmlns="http://checkout.google.com/schema/2" serial-number="x">&lol3;
</new-order-notification>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE n [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<new-order-notification xmlns="http://checkout.google.com/schema/2" serial-number="x">
<google-order-number>&xxe;</google-order-number></new-order-notification>"""


def status_of(order):
    order.refresh_from_db()
    return order.status_id


@pytest.mark.parametrize(
    "auth",
    [
        None,
        basic("1234567890", "wrong-key"),
        basic("999", "sandbox-google-merchant-key-not-secret"),
        "Bearer x",
        "Basic !!!notbase64",
        basic("1234567890", ""),
    ],
)
def test_bad_credentials_get_401_with_challenge_and_are_logged(notify, handed_off, auth):
    """Missing or wrong credentials: 401 + WWW-Authenticate, logged as unauthenticated, order untouched."""
    response = notify(new_order_xml(handed_off.number), auth=auth)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    event = PaymentEvent.objects.get()
    assert (event.authenticated, event.outcome, event.idempotency_key) == (False, EventOutcome.REJECTED, "")
    assert status_of(handed_off) == "NEW"


def test_credentials_are_checked_before_parsing(notify):
    """A malformed body with bad credentials is a 401 (not a parse error): auth comes first."""
    response = notify(b"<not-xml", auth=basic("1234567890", "nope"))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<not-xml", b"well-formed"),
        (b"", b"empty"),
        (BOMB, b"DOCTYPE"),
        (XXE, b"DOCTYPE"),
        (b'<hello xmlns="http://checkout.google.com/schema/2" serial-number="1"/>', b"Unknown notification"),
        (b'<new-order-notification xmlns="http://checkout.google.com/schema/2"/>', b"serial-number"),
        (
            b'<new-order-notification xmlns="http://checkout.google.com/schema/2" serial-number="s"/>',
            b"google-order-number",
        ),
        (b"<a>" + b"x" * 300_000 + b"</a>", b"larger than"),
    ],
)
def test_bad_documents_get_400_and_are_logged(notify, handed_off, body, fragment):
    """Malformed XML, entity bombs, external entities, unknown types, missing fields: 400, logged."""
    response = notify(body)
    assert response.status_code == 400
    assert fragment in response.content
    event = PaymentEvent.objects.get()
    assert event.outcome == EventOutcome.REJECTED and event.authenticated
    assert status_of(handed_off) == "NEW"
    assert b"root:" not in response.content


def test_unknown_order_is_400(notify, handed_off):
    """A new-order naming no order of ours is refused (400), not acknowledged."""
    response = notify(new_order_xml("NO-SUCH-ORDER"))
    assert response.status_code == 400
    assert status_of(handed_off) == "NEW"


def test_new_order_acknowledges_with_serial_and_moves_to_checking_out(notify, handed_off):
    """new-order: 200 + acknowledgment with the serial; order NEW_CHKOUT; Google's number kept."""
    response = notify(new_order_xml(handed_off.number, serial="abc-123"))
    assert response.status_code == 200
    assert b"<notification-acknowledgment" in response.content
    assert b'serial-number="abc-123"' in response.content
    assert status_of(handed_off) == "NEW_CHKOUT"
    checkout = PaymentTransaction.objects.get(order=handed_off, kind="checkout")
    assert checkout.remote_id == "841171949013218"
    event = PaymentEvent.objects.get()
    assert event.parsed["google-order-number"] == "841171949013218"
    assert event.order == handed_off and event.outcome == EventOutcome.APPLIED


def test_replay_and_tampered_notification(notify, handed_off):
    """The same notification twice changes the order once; a tampered copy (no valid auth) changes nothing.

    The log then holds: applied, duplicate, rejected.
    """
    body = new_order_xml(handed_off.number, serial="replay-1")
    assert notify(body).status_code == 200
    assert notify(body).status_code == 200
    tampered = body.replace(b"30.50", b"0.01")
    assert notify(tampered, auth=basic("1234567890", "guessed")).status_code == 401
    assert status_of(handed_off) == "NEW_CHKOUT"
    outcomes = list(PaymentEvent.objects.order_by("id").values_list("outcome", "authenticated"))
    assert outcomes == [
        (EventOutcome.APPLIED, True),
        (EventOutcome.DUPLICATE, True),
        (EventOutcome.REJECTED, False),
    ]
    assert PaymentEvent.objects.filter(idempotency_key="replay-1").count() == 1
    assert handed_off.history.filter(to_status="NEW_CHKOUT").count() == 1


def test_same_serial_with_different_body_is_a_duplicate(notify, handed_off):
    """An authenticated message reusing a serial number is treated as the same message: nothing changes."""
    assert notify(new_order_xml(handed_off.number, serial="s1")).status_code == 200
    assert notify(new_order_xml(handed_off.number, serial="s1", total="0.01")).status_code == 200
    assert status_of(handed_off) == "NEW_CHKOUT"


@pytest.mark.parametrize(("total", "currency"), [("30.49", "USD"), ("300.50", "USD"), ("30.50", "EUR")])
def test_wrong_total_flags_exception(notify, handed_off, total, currency):
    """A new-order whose total or currency differs from ours flags the order EXCEPTION, never paid."""
    response = notify(new_order_xml(handed_off.number, total=total, currency=currency))
    assert response.status_code == 200
    assert status_of(handed_off) == "EXCEPTION"
    assert PaymentEvent.objects.get().outcome == EventOutcome.FLAGGED


def test_bad_amount_text_is_400(notify, handed_off):
    """A total that is not a number is a malformed message (400), nothing applied or half-written."""
    assert notify(new_order_xml(handed_off.number, total="NaN")).status_code == 400
    assert notify(new_order_xml(handed_off.number, total="-1", serial="s2")).status_code == 400
    assert notify(new_order_xml(handed_off.number, total="1E+999999", serial="s3")).status_code == 400
    assert notify(new_order_xml(handed_off.number, total="99999999999999", serial="s4")).status_code == 400
    assert notify(new_order_xml(handed_off.number, google_number="9" * 200, serial="s5")).status_code == 400
    assert status_of(handed_off) == "NEW"
    assert not PaymentEvent.objects.filter(outcome=EventOutcome.APPLIED).exists()


def test_full_pipeline_to_paid_then_shipped(notify, handed_off):
    """new-order → CHARGEABLE → charge-amount (full) → PAID; DELIVERED → SHIPPED; repeats change nothing."""
    notify(new_order_xml(handed_off.number, serial="1"))
    notify(state_change_xml(serial="2", financial="CHARGEABLE"))
    assert status_of(handed_off) == "NEW_CHKOUT"
    notify(amount_xml("charge", serial="3", latest="30.50", total="30.50"))
    assert status_of(handed_off) == "PAID"
    notify(amount_xml("charge", serial="3", latest="30.50", total="30.50"))
    assert PaymentTransaction.objects.filter(order=handed_off, kind="charge").count() == 1
    notify(state_change_xml(serial="4", financial="CHARGED", fulfillment="DELIVERED"))
    assert status_of(handed_off) == "SHIPPED"


def test_partial_charge_flags_exception(notify, handed_off):
    """A charge total that is not the order total flags the order instead of marking it paid."""
    notify(new_order_xml(handed_off.number, serial="1"))
    notify(amount_xml("charge", serial="2", latest="10.00", total="10.00"))
    assert status_of(handed_off) == "EXCEPTION"


def test_declined_payment_keeps_order_unpaid(notify, handed_off):
    """PAYMENT_DECLINED records a declined authorization; the order stays unpaid."""
    notify(new_order_xml(handed_off.number, serial="1"))
    assert notify(state_change_xml(serial="2", financial="PAYMENT_DECLINED")).status_code == 200
    assert status_of(handed_off) == "NEW_CHKOUT"
    assert PaymentTransaction.objects.get(order=handed_off, kind="authorize").status == "declined"


def test_cancelled_by_google_cancels_unpaid_order(notify, handed_off):
    """CANCELLED_BY_GOOGLE cancels an unpaid order."""
    notify(new_order_xml(handed_off.number, serial="1"))
    notify(state_change_xml(serial="2", financial="CANCELLED_BY_GOOGLE"))
    assert status_of(handed_off) == "CANCELLED"


def test_chargeback_and_refund_are_recorded(notify, handed_off):
    """refund-amount records a refund; chargeback-amount records it and flags the order."""
    notify(new_order_xml(handed_off.number, serial="1"))
    notify(amount_xml("charge", serial="2", latest="30.50", total="30.50"))
    notify(amount_xml("refund", serial="3", latest="5.00", total="5.00"))
    assert PaymentTransaction.objects.get(order=handed_off, kind="refund").amount == Decimal("5.00")
    assert status_of(handed_off) == "PAID"
    notify(amount_xml("chargeback", serial="4", latest="25.50", total="25.50"))
    assert status_of(handed_off) == "EXCEPTION"


def test_get_is_not_allowed(client):
    """The endpoint takes POST only."""
    assert client.get("/payments/google/notify/").status_code == 405


def test_risk_information_is_logged(notify, handed_off):
    """risk-information is acknowledged and its findings kept in the event log."""
    notify(new_order_xml(handed_off.number, serial="1"))
    body = b"""<risk-information-notification xmlns="http://checkout.google.com/schema/2" serial-number="r1">
    <google-order-number>841171949013218</google-order-number><risk-information>
    <avs-response>Y</avs-response><cvn-response>M</cvn-response><eligible-for-protection>true</eligible-for-protection>
    </risk-information></risk-information-notification>"""
    assert notify(body).status_code == 200
    assert "AVS Y" in PaymentEvent.objects.get(idempotency_key="r1").message


def test_generic_callback_url_is_404_for_google(client):
    """Google has no generic callback: /payments/google/callback/ is a 404 (not a 500 or 403)."""
    assert client.post("/payments/google/callback/", data=b"x", content_type="text/plain").status_code == 404


FUZZ = settings_hypothesis(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(body=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_arbitrary_authenticated_bodies_never_500(notify, body):
    """Whatever an authenticated sender posts, the endpoint answers 200 or 400, never a 500."""
    assert notify(body).status_code in (200, 400)


field_text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30)


@FUZZ
@given(serial=field_text, google_number=field_text, total=field_text, currency=field_text, number=field_text)
def test_fuzzed_notification_fields_never_500(notify, handed_off, serial, google_number, total, currency, number):
    """new-order and charge notifications with arbitrary field values get 200 or 400, never a 500."""
    from xml.sax.saxutils import escape

    esc = {k: escape(v, {'"': "&quot;"}) for k, v in dict(serial=serial, g=google_number, t=total, c=currency).items()}
    body = new_order_xml(
        escape(number) or handed_off.number,
        serial=esc["serial"],
        google_number=esc["g"],
        total=esc["t"],
        currency=esc["c"],
    )
    assert notify(body).status_code in (200, 400)
    charge = amount_xml("charge", serial=esc["serial"] + "c", latest=esc["t"], total=esc["t"], google_number=esc["g"])
    assert notify(charge).status_code in (200, 400)


def test_nul_bytes_and_invalid_utf8_are_logged_safely(notify, handed_off):
    """Bodies with NUL bytes or invalid UTF-8 get 400 and are still logged (PostgreSQL refuses raw NULs)."""
    for body in [b"\x00\x00<a/>", b"\xf8q\x16\x8a\x00", "<a>\u0000</a>".encode()]:
        assert notify(body).status_code == 400
    assert PaymentEvent.objects.filter(outcome=EventOutcome.REJECTED).count() == 3
    assert "\\x00" in PaymentEvent.objects.order_by("id").first().body


def test_new_order_naming_another_order_is_flagged_not_500(notify, handed_off, another_handed_off):
    """A new-order whose merchant note names another order than the one Google's number belongs to
    (valid credentials, a new serial) is acknowledged with 200 and recorded as an exception on the
    named order; the first order keeps Google's number and its status (issue 11: it was a 500
    from the unique constraint on Google's order number, and Google retries anything not 200)."""
    other = another_handed_off
    assert notify(new_order_xml(handed_off.number, serial="first")).status_code == 200
    response = notify(new_order_xml(other.number, serial="second"))
    assert response.status_code == 200
    assert b'serial-number="second"' in response.content
    assert status_of(handed_off) == "NEW_CHKOUT"
    assert status_of(other) == "EXCEPTION"
    note = other.history.get(to_status="EXCEPTION").note
    assert "841171949013218" in note and handed_off.number in note
    assert PaymentTransaction.objects.get(order=handed_off, kind="checkout").remote_id == "841171949013218"
    assert PaymentTransaction.objects.get(order=other, kind="checkout").remote_id == ""
    event = PaymentEvent.objects.get(idempotency_key="second")
    assert (event.outcome, event.order) == (EventOutcome.FLAGGED, other)
    # Google's retry of the same notification changes nothing more.
    assert notify(new_order_xml(other.number, serial="second")).status_code == 200
    assert other.history.filter(to_status="EXCEPTION").count() == 1


def test_flat_rate_choice_not_offered_is_flagged(notify, handed_off, another_handed_off, settings):
    """A new-order whose flat-rate choice is not one the cart offered at that price is not
    believed: its total differs from ours and the order is flagged; an offered choice is taken."""
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = [{"name": "Free Shipping", "price": "0.00"}]
    body = new_order_xml(handed_off.number, total="25.50").replace(b"Flat rate", b"Free Shipping")
    assert notify(body.replace(b">5.00<", b">0.00<")).status_code == 200
    handed_off.refresh_from_db()
    assert (handed_off.status_id, handed_off.shipping_method, handed_off.total) == (
        "NEW_CHKOUT",
        "Free Shipping",
        Decimal("25.50"),
    )
    other = new_order_xml(another_handed_off.number, serial="s2", total="25.50", google_number="2")
    forged = other.replace(b"Flat rate", b"Staff discount").replace(b">5.00<", b">0.00<")
    assert notify(forged).status_code == 200
    event = PaymentEvent.objects.get(idempotency_key="s2")
    assert event.outcome == EventOutcome.FLAGGED and "differs from ours" in event.message
    another_handed_off.refresh_from_db()
    assert (another_handed_off.status_id, another_handed_off.total) == ("EXCEPTION", Decimal("30.50"))


@pytest.mark.parametrize(
    "document",
    [
        new_order_xml("C-1"),
        state_change_xml(serial="2", financial="CHARGEABLE"),
        *(amount_xml(kind, serial="3", latest="1.00", total="1.00") for kind in ("charge", "refund", "chargeback")),
    ],
)
def test_the_tests_notifications_are_googles_documents(document):
    """The notifications these tests post in Google's place are valid Checkout API documents."""
    assert_valid_google_document(document)
