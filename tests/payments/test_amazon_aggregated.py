"""FPS aggregated payments end to end against the gateway sandbox (test-client level).

A customer opens a prepaid balance or a postpaid credit from their account page (CBUI
``SetupPrepaid``/``SetupPostpaid`` on the sandbox, Amazon-signed return verified with
VerifySignature, ``FundPrepaid``); small digital orders are then paid with ``Pay`` from it
without a trip to Amazon; debts are settled (``SettleDebt``) when the credit limit is reached,
written off (``WriteOffDebt``), and balances read (``GetPrepaidBalance``/``GetDebtBalance``).
Every FPS call reaches the sandbox over HTTP through the suite's transport adapter.
"""

import threading
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from coleman.orders.models import Order
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction, TokenReference
from coleman.payments.processors import get_processor
from coleman.payments.processors.amazon import instruments
from coleman.payments.processors.amazon.errors import AmazonResponseError
from coleman.payments.sandbox.amazon.ipn import deliver_ipn, sent_ipns
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory


@pytest.fixture
def processor():
    return get_processor("amazon")


@pytest.fixture
def customer(db, client):
    """A signed-in customer."""
    user = UserFactory(username="reader")
    client.force_login(user)
    return user


def set_up(client, kind, decision="pay", amount="25.00"):
    """Account page → POST → sandbox CBUI page → Pay/Decline → the store's return; the setup row."""
    response = client.post(f"/payments/amazon/{kind}/", {"amount": amount})
    assert response.status_code == 302
    cbui = urlsplit(response["Location"])
    assert cbui.path == "/sandbox/amazon/cbui/"
    page = client.get(f"{cbui.path}?{cbui.query}")
    assert page.status_code == 200 and b"SANDBOX" in page.content
    back = client.post(cbui.path, {"query": cbui.query, "decision": decision})
    landing = client.get(back["Location"])
    assert landing.status_code == 302 and landing["Location"] == "/accounts/profile/"
    return TokenReference.objects.get(action="setup", caller_reference=dict_of(cbui.query)[reference_name(kind)])


def dict_of(query):
    """The parameters of a query string."""
    return dict(parse_qsl(query))


def reference_name(kind):
    """The CBUI parameter that carries a setup's own reference."""
    return "callerReferenceFunding" if kind == "prepaid" else "callerReferenceSettlement"


def digital_order(user, total):
    """A NEW order of one digital good (nothing ships) for ``total``."""
    order = OrderFactory(user=user, subtotal=Decimal(total), shipping=Decimal("0.00"), total=Decimal(total))
    product = ProductFactory(price=Decimal(total), is_digital=True)
    LineFactory(order=order, product=product, unit_price=Decimal(total), weight=None)
    return order


def checkout(processor, order):
    """The Amazon hand-off for a saved order, as CheckoutView calls it; the response."""
    request = RequestFactory().post("/checkout/amazon/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = order.user
    return processor.get_checkout_response(request, order)


def test_a_prepaid_balance_is_set_up_funded_and_shown_on_the_account_page(client, customer, processor):
    """SetupPrepaid → verified return (instrument, tokens) → FundPrepaid once → balance 25.00 shown."""
    setup = set_up(client, "prepaid")
    assert setup.status == "active" and setup.kind == "prepaid" and setup.user == customer
    assert setup.instrument_id and setup.sender_token_id and setup.second_token_id
    fund = TokenReference.objects.get(action="fund", setup=setup)
    assert fund.status == "success" and fund.transaction_id and fund.request_id
    assert fund.caller_reference == f"{setup.caller_reference}-fund" and fund.amount == Decimal("25.00")
    assert (setup.available, setup.other) == (Decimal("25.00"), Decimal("25.00"))
    page = client.get("/accounts/profile/").content.decode()
    assert "Prepaid balance: <strong>$25.00</strong> left" in page


def test_the_same_setup_return_twice_funds_once(client, customer, processor):
    """Reloading the setup return changes nothing: one FundPrepaid, the balance still 25.00."""
    response = client.post("/payments/amazon/prepaid/", {"amount": "25.00"})
    cbui = urlsplit(response["Location"])
    back = client.post(cbui.path, {"query": cbui.query, "decision": "pay"})["Location"]
    client.get(back)
    client.get(back)
    setup = TokenReference.objects.get(action="setup")
    assert TokenReference.objects.filter(action="fund").count() == 1
    assert instruments.refresh_balance(processor, setup).available == Decimal("25.00")


def test_small_digital_orders_are_paid_from_the_prepaid_balance_without_amazon(client, customer, processor):
    """Two digital orders (9.00, 4.50) are paid by Pay from the balance: PAID, charged, 11.50 left."""
    setup = set_up(client, "prepaid")
    for total in ("9.00", "4.50"):
        order = digital_order(customer, total)
        response = checkout(processor, order)
        assert response["Location"] == order.get_absolute_url()
        order.refresh_from_db()
        assert order.status_id == "PAID"
        charge = PaymentTransaction.objects.get(order=order, kind="charge")
        assert charge.status == "succeeded" and charge.reference == f"{order.number}-prepaid-pay"
        assert charge.remote_id and charge.request_id
    setup.refresh_from_db()
    assert setup.available == Decimal("11.50")
    assert "Prepaid balance: <strong>$11.50</strong> left" in client.get("/accounts/profile/").content.decode()


def test_a_pay_over_the_prepaid_balance_is_refused_as_fps_refuses_it(client, customer, processor):
    """FPS refuses a Pay above the balance with InsufficientBalance (a decline): nothing charged, the
    store sends such an order to Amazon's page instead."""
    setup = set_up(client, "prepaid", amount="10.00")
    order = digital_order(customer, "9.50")
    checkout(processor, order)
    big = digital_order(customer, "1.00")
    with pytest.raises(AmazonResponseError) as caught:
        instruments.pay_order(processor, big, setup)
    assert caught.value.code == "InsufficientBalance" and caught.value.is_decline
    assert TokenReference.objects.get(action="pay", order=big).status == "refused"
    response = checkout(processor, big)
    assert urlsplit(response["Location"]).path == "/sandbox/amazon/cbui/"
    big.refresh_from_db()
    assert big.status_id == "NEW"
    assert instruments.refresh_balance(processor, setup).available == Decimal("0.50")


def test_a_retried_pay_is_charged_once(client, customer, processor):
    """A Pay whose answer was lost is sent again with the same CallerReference and amount: FPS answers
    the first transaction and the balance goes down once."""
    setup = set_up(client, "prepaid")
    order = digital_order(customer, "6.00")
    first = instruments.pay_order(processor, order, setup)
    TokenReference.objects.filter(pk=first.pk).update(status="sent", transaction_id="")  # the answer "lost"
    again = instruments.pay_order(processor, order, setup)
    assert again.pk == first.pk and again.transaction_id == first.transaction_id
    assert TokenReference.objects.filter(action="pay").count() == 1
    assert instruments.refresh_balance(processor, setup).available == Decimal("19.00")


def test_postpaid_purchases_add_to_the_debt_and_settle_when_the_limit_is_reached(client, customer, processor):
    """Credit limit 25.00: 9.00 + 9.00 owed; the next 9.00 would pass the limit, so the debt is settled
    (SettleDebt, Pending) and the purchase is paid; GetTransactionStatus later sees the settlement done."""
    setup = set_up(client, "postpaid")
    assert (setup.amount, setup.global_limit) == (Decimal("25.00"), Decimal("10.00"))
    orders = [digital_order(customer, "9.00") for _ in range(3)]
    for order in orders[:2]:
        checkout(processor, order)
    setup.refresh_from_db()
    assert setup.other == Decimal("18.00")
    checkout(processor, orders[2])
    settlement = TokenReference.objects.get(action="settle", setup=setup)
    assert settlement.amount == Decimal("18.00") and settlement.status == "pending" and settlement.transaction_id
    setup.refresh_from_db()
    assert setup.other == Decimal("9.00") and setup.available == Decimal("16.00")
    for order in orders:
        order.refresh_from_db()
        assert order.status_id == "PAID"
    instruments.follow_up(processor, setup)
    settlement.refresh_from_db()
    assert settlement.status == "success"
    assert "Postpaid credit: <strong>$9.00</strong> owed" in client.get("/accounts/profile/").content.decode()


def test_fps_refuses_postpaid_pays_over_the_limits(client, customer, processor):
    """Over the global (per purchase) limit → AmountOutOfRange; over the credit left → InsufficientBalance."""
    setup = set_up(client, "postpaid")
    fps = processor.fps_client()
    with pytest.raises(AmazonResponseError) as caught:
        fps.pay(sender_token_id=setup.sender_token_id, amount=Decimal("10.01"), caller_reference="too-big")
    assert caught.value.code == "AmountOutOfRange"
    for n in range(2):
        fps.pay(sender_token_id=setup.sender_token_id, amount=Decimal("10.00"), caller_reference=f"p-{n}")
    with pytest.raises(AmazonResponseError) as caught:
        fps.pay(sender_token_id=setup.sender_token_id, amount=Decimal("5.01"), caller_reference="over")
    assert caught.value.code == "InsufficientBalance"
    assert instruments.refresh_balance(processor, setup).other == Decimal("20.00")


def test_write_off_debt_reduces_the_debt(client, customer, processor):
    """WriteOffDebt (not the book's SettleDebt) forgives part of the debt; GetDebtBalance shows it."""
    setup = set_up(client, "postpaid")
    checkout(processor, digital_order(customer, "8.00"))
    row = instruments.write_off(processor, setup, Decimal("3.00"))
    assert row.status == "success" and row.transaction_id
    setup.refresh_from_db()
    assert setup.other == Decimal("5.00")


def test_orders_that_ship_or_are_too_big_go_to_amazons_page(client, customer, processor):
    """Only small orders of digital goods are paid from an instrument; others get the CBUI hand-off."""
    set_up(client, "prepaid", amount="50.00")
    big = digital_order(customer, "12.00")
    # free shipping, but a jar ships: not a digital order
    shipped = OrderFactory(user=customer, subtotal=Decimal("4.00"), shipping=Decimal("0.00"), total=Decimal("4.00"))
    LineFactory(order=shipped, weight=Decimal("1.0"))
    for order in (big, shipped):
        assert urlsplit(checkout(processor, order)["Location"]).path == "/sandbox/amazon/cbui/"
    assert not TokenReference.objects.filter(action="pay").exists()


def test_a_declined_or_tampered_setup_return_activates_nothing(client, customer, processor):
    """Declining on the sandbox marks the setup declined; a tampered return is 403; nothing is funded."""
    declined = set_up(client, "prepaid", decision="decline")
    assert declined.status == "declined"
    response = client.post("/payments/amazon/postpaid/")
    cbui = urlsplit(response["Location"])
    back = client.post(cbui.path, {"query": cbui.query, "decision": "pay"})["Location"]
    assert client.get(back.replace("status=SC", "status=SB")).status_code == 403
    assert not TokenReference.objects.instruments().exists()
    assert not TokenReference.objects.filter(action="fund").exists()


def test_setting_up_needs_a_signed_in_customer_and_an_offered_amount(client, db, processor):
    """Anonymous → login; an amount not offered → a message and no setup; GET is not allowed."""
    assert client.post("/payments/amazon/prepaid/", {"amount": "25.00"})["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory(username="someone"))
    for amount in ("26.00", "", "abc", "1e400"):
        response = client.post("/payments/amazon/prepaid/", {"amount": amount})
        assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client.get("/payments/amazon/prepaid/").status_code == 405
    assert not TokenReference.objects.exists()


def test_the_account_panel_costs_the_same_queries_for_one_or_five_instruments(client, customer, processor):
    """The panel reads the instruments in one query whatever their number (no N+1)."""
    counts = []
    client.get("/accounts/profile/")  # the session, the user and the header's menu are warm alike for both
    for total in (1, 5):
        while TokenReference.objects.instruments().count() < total:
            TokenReference.objects.create(
                user=customer,
                kind="prepaid",
                action="setup",
                status="active",
                caller_reference=f"F-{TokenReference.objects.count()}",
                amount=Decimal("10.00"),
                available=Decimal("10.00"),
                currency="USD",
            )
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/accounts/profile/")
        assert page.content.decode().count('amazon-prepaid"') == total
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_staff_settle_a_debt_and_read_balances_from_the_admin(db, processor, staff_client):
    """The admin's actions on an instrument call SettleDebt and GetDebtBalance; the list shows the rows."""
    shopper, customer = Client(), UserFactory(username="reader")
    shopper.force_login(customer)
    setup = set_up(shopper, "postpaid")
    checkout(processor, digital_order(customer, "8.00"))
    changelist = "/admin/payments/tokenreference/"
    assert staff_client.get(changelist).status_code == 200
    staff_client.post(changelist, {"action": "settle_debts", "_selected_action": [setup.pk]})
    settlement = TokenReference.objects.get(action="settle")
    assert settlement.amount == Decimal("8.00") and settlement.status == "pending"
    staff_client.post(changelist, {"action": "refresh_balances", "_selected_action": [setup.pk]})
    setup.refresh_from_db()
    assert setup.other == Decimal("0.00") and setup.available == Decimal("25.00")


def test_the_sandbox_signs_an_ipn_per_transaction_and_the_store_applies_it(client, customer, processor):
    """SettleDebt answers Pending and its IPN says PENDING; when the settlement clears the sandbox signs
    a SUCCESS IPN, which the store verifies (VerifySignature) and applies to the settlement, once."""
    setup = set_up(client, "postpaid")
    checkout(processor, digital_order(customer, "8.00"))
    settlement = instruments.settle(processor, setup)
    fps = processor.fps_client()
    assert fps.get_transaction_status(settlement.transaction_id).succeeded  # the sandbox's bank clears
    url, body = sent_ipns()[-1]
    assert url == "http://testserver/payments/amazon/callback/"
    fields = dict(parse_qsl(body))
    assert fields["operation"] == "SETTLE_DEBT" and fields["transactionStatus"] == "SUCCESS"
    assert fields["signatureMethod"] == "RSA-SHA1" and fields["certificateUrl"].endswith("/PKICert.pem")
    assert deliver_ipn(url, body, delays=(0,)) is True
    assert deliver_ipn(url, body, delays=(0,)) is True
    settlement.refresh_from_db()
    assert settlement.status == "success"
    events = PaymentEvent.objects.filter(kind="ipn").order_by("id").values_list("outcome", flat=True)
    assert list(events) == [EventOutcome.APPLIED, EventOutcome.DUPLICATE]


@pytest.mark.django_db(transaction=True)
def test_racing_checkouts_of_one_order_pay_once_from_the_balance(processor):
    """Eight threads pay the same order from the prepaid balance at once (PostgreSQL): one Pay row,
    one charge, one move to PAID, the balance reduced once (the same CallerReference every time)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers with one lock, so threads cannot race")
    shopper, customer = Client(), UserFactory(username="racer")
    shopper.force_login(customer)
    setup = set_up(shopper, "prepaid")
    order = digital_order(customer, "7.00")
    barrier = threading.Barrier(8)
    outcomes = []

    def pay():
        barrier.wait()
        try:
            row = instruments.pay_with_instrument(processor, Order.objects.get(pk=order.pk))
            outcomes.append(row.status if row else None)
        except Exception as exc:  # noqa: BLE001 - the test reports what each racer met
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["success"] * 8, outcomes
    assert TokenReference.objects.filter(action="pay").count() == 1
    assert PaymentTransaction.objects.filter(order=order, kind="charge").count() == 1
    assert order.history.filter(to_status="PAID").count() == 1
    assert instruments.refresh_balance(processor, setup).available == Decimal("18.00")
