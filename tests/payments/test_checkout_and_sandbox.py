"""Checkout with a processor, the hand-off to the Google sandbox, and the sandbox playing Google."""

import base64
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from coleman.orders.models import Order
from coleman.payments.models import EventOutcome, PaymentEvent, PaymentTransaction
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.payments.schemas import assert_valid_google_document

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def hidden_fields(html):
    """The hidden inputs of a page, unescaped, as a dict."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


@pytest.fixture
def shopper(client):
    """A guest with 2 x 10.00 in the cart."""
    product = ProductFactory(price=Decimal("10.00"), stock=None)
    client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": 2})
    return client


def checkout_form(client, processor="google"):
    """GET a checkout page (a processor's, or /checkout/) and return its form data, filled in."""
    url = reverse("payments:checkout", args=[processor]) if processor else reverse("payments:choose")
    response = client.get(url)
    assert response.status_code == 200
    data = hidden_fields(response.content.decode())
    data.update({k: v for k, v in ADDRESS.items()}, email="ada@example.com")
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_checkout_lists_installed_processors(shopper):
    """/checkout/ shows the cart total, the address form and the installed processors to choose from."""
    response = shopper.get("/checkout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="processor" value="google"' in html and "Google Checkout" in html
    assert "Place order" in html and "$25.00" in html  # 2 x 10.00 + 5.00 shipping
    assert f'href="{reverse("payments:checkout", args=["google"])}">Pay with Google Checkout</a>' in html


def test_checkout_with_chosen_processor_hands_off(shopper):
    """Choosing Google Checkout on /checkout/ and placing the order renders Google's hand-off."""
    data = checkout_form(shopper, processor=None)
    data["processor"] = "google"
    response = shopper.post("/checkout/", data, follow=True)
    assert response.redirect_chain[0][0].startswith("/checkout/google/pay/")
    assert response.status_code == 200 and b"Pay with Google Checkout" in response.content
    assert Order.objects.get().status_id == "NEW"


def test_checkout_without_processor_places_order_like_orders_app(shopper):
    """A POST that names no processor places the order and shows it, awaiting payment."""
    response = shopper.post("/checkout/", checkout_form(shopper, processor=None))
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()


def test_checkout_with_unknown_processor_choice_is_400(shopper):
    """Choosing a processor that is not installed is a form error (400), nothing saved."""
    data = checkout_form(shopper, processor=None)
    data["processor"] = "bitcoin"
    assert shopper.post("/checkout/", data).status_code == 400
    assert not Order.objects.exists()


def test_checkout_with_empty_cart_redirects_to_cart(client):
    """An empty cart cannot check out: both pages send the shopper back to the cart."""
    assert client.get("/checkout/").url == reverse("cart:detail")
    assert client.get("/checkout/google/").url == reverse("cart:detail")


def test_unknown_processor_is_404(shopper):
    """/checkout/<unknown>/ is a 404."""
    assert shopper.get("/checkout/bitcoin/").status_code == 404


def test_invalid_address_is_400_and_saves_nothing(shopper):
    """A form without the required address fields answers 400 with errors; no order is saved."""
    data = checkout_form(shopper)
    data["line1"] = ""
    response = shopper.post("/checkout/google/", data)
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_place_order_saves_it_and_hands_off_signed_cart(shopper, google):
    """POST saves the order (NEW, server-side totals) and hands off cart + signature to the sandbox."""
    response = shopper.post("/checkout/google/", checkout_form(shopper), follow=True)
    assert response.status_code == 200
    order = Order.objects.get()
    assert (order.status_id, order.subtotal) == ("NEW", Decimal("20.00"))
    html = response.content.decode()
    assert f'action="http://testserver/sandbox/google/api/checkout/v2/checkout/Merchant/{google.merchant_id}"' in html
    fields = hidden_fields(html)
    cart_xml = base64.b64decode(fields["cart"])
    assert_valid_google_document(cart_xml, "checkout-shopping-cart")
    assert order.number.encode() in cart_xml
    import hashlib
    import hmac

    expected = hmac.new(google.merchant_key.encode(), cart_xml, hashlib.sha1).digest()
    assert base64.b64decode(fields["signature"]) == expected
    assert PaymentTransaction.objects.get(order=order).kind == "checkout"


def test_repeated_post_hands_off_the_same_order(shopper):
    """Posting the same checkout form twice makes one order (the second POST hands it off again)."""
    data = checkout_form(shopper)
    first = shopper.post("/checkout/google/", data)
    second = shopper.post("/checkout/google/", data)
    assert second.url == first.url
    assert shopper.get(second.url).status_code == 200
    assert Order.objects.count() == 1


def test_checkout_page_query_count_does_not_grow(client):
    """The checkout page's queries do not grow with the number of cart lines."""
    counts = []
    for lines in (1, 8):
        c = Client()
        for _ in range(lines):
            c.post(reverse("cart:add-item", args=[ProductFactory(price=Decimal("3.00")).pk]), {"quantity": 1})
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/checkout/google/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def pay_in_sandbox(shopper, decision, **choices):
    """Place the order, post the hand-off to the sandbox, then press Pay or Decline there
    (``choices``: more fields of the sandbox's form, e.g. ``shipping="1"``)."""
    handoff = shopper.post("/checkout/google/", checkout_form(shopper), follow=True)
    fields = hidden_fields(handoff.content.decode())
    action = re.search(r'<form method="post" action="([^"]+)" class="payments-handoff"', handoff.content.decode())[1]
    assert_valid_google_document(base64.b64decode(fields["cart"]), "checkout-shopping-cart")
    page = shopper.post(action, {"cart": fields["cart"], "signature": fields["signature"]})
    assert page.status_code == 200
    assert b"SANDBOX" in page.content
    state = hidden_fields(page.content.decode())["state"]
    return shopper.post(reverse("sandbox:google-pay"), {"state": state, "decision": decision, **choices})


def test_sandbox_pay_marks_order_paid_and_returns_shopper(shopper):
    """Paying in the sandbox sends the notifications Google would; the order is PAID; shopper is back."""
    response = pay_in_sandbox(shopper, "pay")
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(reverse("payments:google:return", args=[order.number]))
    assert not PaymentEvent.objects.filter(outcome=EventOutcome.REJECTED).exists()
    order.refresh_from_db()
    assert order.status_id == "PAID"
    back = shopper.get(response.url, follow=True)
    assert back.status_code == 200
    assert b"payment for order" in back.content and b"was received" in back.content
    kinds = list(PaymentEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[:2] == ["new-order-notification", "risk-information-notification"]
    assert "charge-amount-notification" in kinds


def test_sandbox_decline_leaves_order_unpaid_with_message(shopper):
    """Declining on the sandbox page leaves the order unpaid and the store says so plainly."""
    response = pay_in_sandbox(shopper, "decline")
    order = Order.objects.get()
    order.refresh_from_db()
    assert order.status_id == "NEW_CHKOUT"
    back = shopper.get(response.url, follow=True)
    assert b"Your payment was declined" in back.content


def test_return_page_of_someone_elses_order_is_404(shopper):
    """Another browser cannot read an order's payment status from the return URL."""
    response = pay_in_sandbox(shopper, "pay")
    assert Client().get(response.url).status_code == 404


def test_sandbox_refuses_wrong_key_and_unknown_merchant(client, google, order):
    """A cart signed with the wrong key is refused (403); an unknown merchant id is refused (400)."""
    import hashlib
    import hmac

    cart = b'<checkout-shopping-cart xmlns="http://checkout.google.com/schema/2"/>'
    bad_sig = base64.b64encode(hmac.new(b"wrong-key", cart, hashlib.sha1).digest()).decode()
    url = f"/sandbox/google/api/checkout/v2/checkout/Merchant/{google.merchant_id}"
    response = client.post(url, {"cart": base64.b64encode(cart).decode(), "signature": bad_sig})
    assert response.status_code == 403
    assert b"SANDBOX" in response.content
    response = client.post("/sandbox/google/api/checkout/v2/checkout/Merchant/42", {"cart": "", "signature": ""})
    assert response.status_code == 400
    assert client.post(url, {"cart": "%%%", "signature": "%%%"}).status_code == 400


def test_sandbox_refuses_cart_without_items(client, google):
    """A correctly signed cart that lacks required elements is refused with a clear error."""
    import hashlib
    import hmac

    cart = (
        b'<checkout-shopping-cart xmlns="http://checkout.google.com/schema/2"><shopping-cart/></checkout-shopping-cart>'
    )
    sig = base64.b64encode(hmac.new(google.merchant_key.encode(), cart, hashlib.sha1).digest()).decode()
    url = f"/sandbox/google/api/checkout/v2/checkout/Merchant/{google.merchant_id}"
    response = client.post(url, {"cart": base64.b64encode(cart).decode(), "signature": sig})
    assert response.status_code == 400
    assert b"no items" in response.content


def test_sandbox_pay_with_tampered_state_is_refused(client):
    """The pay page's state is signed: a forged one is refused."""
    assert client.post(reverse("sandbox:google-pay"), {"state": "forged", "decision": "pay"}).status_code == 400


def test_store_that_rejects_notifications_is_reported(shopper, settings):
    """If the store does not acknowledge, the sandbox says so (502) instead of pretending it worked.

    The store's merchant key changes after the hand-off, so it refuses Google's credentials (401).
    """
    handoff = shopper.post("/checkout/google/", checkout_form(shopper), follow=True)
    fields = hidden_fields(handoff.content.decode())
    page = shopper.post(
        f"/sandbox/google/api/checkout/v2/checkout/Merchant/{settings.COLEMAN_GOOGLE_MERCHANT_ID}", fields
    )
    settings.COLEMAN_GOOGLE_MERCHANT_KEY = "rotated-key"
    state = hidden_fields(page.content.decode())["state"]
    response = shopper.post(reverse("sandbox:google-pay"), {"state": state, "decision": "pay"})
    assert response.status_code == 502 and b"HTTP 401" in response.content
    assert Order.objects.get().status_id == "NEW"
    assert PaymentEvent.objects.get().outcome == EventOutcome.REJECTED


@pytest.fixture
def chargeable(shopper, settings):
    """An order that Google authorized but did not charge (auto-charge off), and its staff client."""
    settings.COLEMAN_SANDBOX_GOOGLE_AUTO_CHARGE = False
    pay_in_sandbox(shopper, "pay")
    order = Order.objects.get()
    order.refresh_from_db()
    assert order.status_id == "NEW_CHKOUT"
    return order


def test_staff_charge_refund_and_ship_actions(chargeable, staff_client):
    """Admin actions call Google's Order Processing API (the sandbox), whose notifications move the order."""
    changelist = reverse("admin:orders_order_changelist")
    staff_client.post(changelist, {"action": "charge_orders", "_selected_action": [chargeable.pk]})
    chargeable.refresh_from_db()
    assert chargeable.status_id == "PAID"
    page = staff_client.post(changelist, {"action": "ship_orders", "_selected_action": [chargeable.pk]})
    assert b"Mark orders shipped" in page.content
    staff_client.post(
        changelist,
        {
            "action": "ship_orders",
            "_selected_action": [chargeable.pk],
            "apply": "1",
            f"o{chargeable.pk}-carrier": "UPS",
            f"o{chargeable.pk}-tracking_number": "1Z999",
        },
    )
    chargeable.refresh_from_db()
    assert (chargeable.status_id, chargeable.tracking_number) == ("SHIPPED", "1Z999")
    staff_client.post(changelist, {"action": "refund_orders", "_selected_action": [chargeable.pk]})
    refund = PaymentTransaction.objects.filter(order=chargeable, kind="refund", status="succeeded").get()
    assert refund.amount == chargeable.total


def test_charge_twice_is_refused_by_service_and_reported(chargeable, staff_client):
    """Charging an already-charged order: the sandbox answers an error document; staff see it, no 500."""
    changelist = reverse("admin:orders_order_changelist")
    staff_client.post(changelist, {"action": "charge_orders", "_selected_action": [chargeable.pk]})
    response = staff_client.post(
        changelist, {"action": "charge_orders", "_selected_action": [chargeable.pk]}, follow=True
    )
    assert response.status_code == 200
    assert b"Google refused the request" in response.content


def test_order_processing_api_over_http_requires_basic_auth(client, chargeable, google):
    """The sandbox's request endpoint answers 401 with a challenge to wrong credentials."""
    url = f"/sandbox/google/api/checkout/v2/request/Merchant/{google.merchant_id}"
    response = client.post(
        url,
        data=b"<archive-order/>",
        content_type="application/xml",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"1234567890:nope").decode(),
    )
    assert response.status_code == 401 and "WWW-Authenticate" in response


def test_event_log_is_readable_by_staff_only(staff_client, chargeable):
    """Staff read the payment-event log in the admin; anonymous users are sent to log in."""
    url = reverse("admin:payments_paymentevent_changelist")
    assert staff_client.get(url).status_code == 200
    assert b"new-order-notification" in staff_client.get(url).content
    assert Client().get(url).status_code == 302
    assert PaymentEvent.objects.filter(outcome=EventOutcome.APPLIED).exists()


def test_buy_it_now_through_the_sandbox_makes_a_paid_order(client, settings):
    """Buy It Now: product page form → sandbox → Pay → the store makes the order; it is PAID."""
    settings.COLEMAN_GOOGLE_BUY_IT_NOW = True
    product = ProductFactory(price=Decimal("7.25"), stock=3)
    html = client.get(product.get_absolute_url()).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="payments-buy-it-now"', html)[1]
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html.split("payments-buy-it-now")[1])
    )
    page = client.post(form, {k: unescape(v) for k, v in fields.items()})
    assert page.status_code == 200 and b"12.25" in page.content  # 7.25 + 5.00 flat-rate shipping
    state = hidden_fields(page.content.decode())["state"]
    response = client.post(reverse("sandbox:google-pay"), {"state": state, "decision": "pay"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.status_id, order.total, order.email) == (
        "PAID",
        Decimal("12.25"),
        "sandbox-buyer@example.com",
    )
    assert order.lines.get().product == product
    product.refresh_from_db()
    assert product.stock == 2


def test_buy_it_now_notification_for_unknown_product_is_400(notify, db):
    """A Google order without our order number whose items are not our products is refused (400)."""
    body = b"""<new-order-notification xmlns="http://checkout.google.com/schema/2" serial-number="b1">
      <google-order-number>555</google-order-number>
      <buyer-shipping-address><contact-name>A</contact-name><email>a@example.com</email>
      <address1>1 Road</address1><city>X</city><postal-code>1</postal-code><country-code>US</country-code>
      </buyer-shipping-address>
      <shopping-cart><items><item><item-name>?</item-name><quantity>1</quantity>
      <merchant-item-id>no-such-product</merchant-item-id></item></items></shopping-cart>
      <order-total currency="USD">1.00</order-total></new-order-notification>"""
    response = notify(body)
    assert response.status_code == 400 and b"no-such-product" in response.content
    assert not Order.objects.exists()


def test_carrier_calculated_shipping_through_the_sandbox(shopper, settings):
    """With carrier shipping, Google's carrier price replaces our estimate and the order still ends PAID."""
    settings.COLEMAN_GOOGLE_CARRIER_SHIPPING = {
        "ship_from": {"city": "Boston", "region": "MA", "postal_code": "02110", "country": "US"},
        "methods": [["UPS", "Ground"]],
        "default_price": "12.00",
    }
    pay_in_sandbox(shopper, "pay")
    order = Order.objects.get()
    order.refresh_from_db()
    assert (order.status_id, order.shipping, order.total) == ("PAID", Decimal("12.00"), Decimal("32.00"))
    assert order.shipping_method == "UPS Ground"


def test_hand_off_failure_shows_the_saved_order_with_a_message(shopper, google, monkeypatch):
    """If the processor cannot hand off (GatewayError) the shopper sees the saved order and why, no 500."""
    from coleman.payments.exceptions import GatewayError

    def fail(self, request, order):
        raise GatewayError("service down")

    monkeypatch.setattr(type(google), "get_checkout_response", fail)
    response = shopper.post("/checkout/google/", checkout_form(shopper), follow=True)
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert b"could not take the payment right now (service down)" in response.content.replace(b"\n", b" ")


def test_order_admin_page_shows_payments(chargeable, staff_client):
    """The order's admin page lists its payment transactions and the services' messages."""
    response = staff_client.get(reverse("admin:orders_order_change", args=[chargeable.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Payment transactions" in html and "Payment messages" in html
    assert "Checkout hand-off" in html and "new-order-notification" in html


def test_charge_action_for_order_without_processor_is_reported(staff_client, order):
    """An order no processor took: the Charge action tells staff, nothing breaks."""
    response = staff_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "charge_orders", "_selected_action": [order.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert b"was never handed to a payment service" in response.content


def test_cancel_and_archive_through_the_sandbox(chargeable, google):
    """cancel-order on an uncharged order: Google's CANCELLED notice cancels ours; archive-order accepted."""
    google.cancel(chargeable, reason="Out of stock")
    chargeable.refresh_from_db()
    assert chargeable.status_id == "CANCELLED"
    assert google.archive(chargeable).status == "pending"


def test_cancel_after_charge_is_refused_by_the_service(chargeable, google):
    """Google refuses to cancel a charged order before a refund; staff get the reason, order unchanged."""
    from coleman.payments.exceptions import GatewayError

    google.charge(chargeable)
    with pytest.raises(GatewayError, match="Refund the charged amount"):
        google.cancel(chargeable, reason="Changed mind")
    chargeable.refresh_from_db()
    assert chargeable.status_id == "PAID"
    assert PaymentTransaction.objects.filter(order=chargeable, kind="cancel", status="failed").count() == 1


def test_the_checkout_pages_render_in_french(shopper):
    """The checkout and a hand-off build with French active (their strings go through gettext;
    Coleman ships no French catalog, so Django's own French shows where it hands texts through)."""
    with override_settings(LANGUAGE_CODE="fr"), translation.override("fr"):
        for url in ("/checkout/", "/checkout/google/"):
            response = shopper.get(url)
            assert response.status_code == 200 and '<html lang="fr"' in response.content.decode(), url
        data = checkout_form(shopper)
        data["city"] = ""
        assert "Ce champ est obligatoire." in shopper.post("/checkout/google/", data).content.decode()
        response = shopper.post("/checkout/google/", checkout_form(shopper), follow=True)
    assert response.status_code == 200 and b"Pay with Google Checkout" in response.content


BOOK_FLAT_RATES = [{"name": "USPS Priority Mail", "price": "4.00"}, {"name": "Free Shipping", "price": "0.00"}]


def test_buyer_chooses_among_flat_rate_options_in_the_sandbox(shopper, settings):
    """With the book's two flat-rate options offered side by side, the buyer picks "Free Shipping"
    on Google's page: the order takes that method and price, and ends PAID at the new total."""
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = BOOK_FLAT_RATES
    response = pay_in_sandbox(shopper, "pay", shipping="1")
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.status_id, order.shipping_method) == ("PAID", "Free Shipping")
    assert (order.shipping, order.total) == (Decimal("0.00"), Decimal("20.00"))


def test_sandbox_page_lists_every_shipping_option(shopper, settings):
    """The sandbox's page offers each shipping method with its price and the total it makes."""
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = BOOK_FLAT_RATES
    handoff = shopper.post("/checkout/google/", checkout_form(shopper), follow=True)
    fields = hidden_fields(handoff.content.decode())
    action = re.search(r'<form method="post" action="([^"]+)" class="payments-handoff"', handoff.content.decode())[1]
    page = shopper.post(action, {"cart": fields["cart"], "signature": fields["signature"]}).content.decode()
    assert "USPS Priority Mail: 4.00 USD (total 24.00 USD)" in page
    assert "Free Shipping: 0.00 USD (total 20.00 USD)" in page
    state = hidden_fields(page)["state"]
    refused = shopper.post(reverse("sandbox:google-pay"), {"state": state, "decision": "pay", "shipping": "7"})
    assert refused.status_code == 400 and not Order.objects.filter(status_id="PAID").exists()


def test_carrier_shipping_with_handling_and_adjustment_through_the_sandbox(shopper, settings):
    """Carrier-calculated shipping with a handling charge and a percentage adjustment: the sandbox
    charges the carrier rate (its default price, 12.00) +10 % + 2.00 handling = 15.20, and the
    order takes that price; the flat-rate options offered beside it stay available."""
    settings.COLEMAN_GOOGLE_CARRIER_SHIPPING = {
        "ship_from": {"city": "Boston", "region": "MA", "postal_code": "02110", "country": "US"},
        "methods": [["UPS", "Ground"]],
        "default_price": "12.00",
        "handling": "2.00",
        "adjust_percent": "10",
    }
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = BOOK_FLAT_RATES
    pay_in_sandbox(shopper, "pay", shipping="0")
    order = Order.objects.get()
    assert (order.status_id, order.shipping_method) == ("PAID", "UPS Ground")
    assert (order.shipping, order.total) == (Decimal("15.20"), Decimal("35.20"))


def test_buy_it_now_offers_every_flat_rate_option(client, settings):
    """Buy It Now with the book's flat-rate options: the product page's form offers both, the
    buyer picks USPS Priority Mail in the sandbox, and the order the store makes from Google's
    notification takes that method and price and ends PAID."""
    settings.COLEMAN_GOOGLE_BUY_IT_NOW = True
    settings.COLEMAN_GOOGLE_SHIPPING_METHODS = BOOK_FLAT_RATES
    product = ProductFactory(price=Decimal("7.25"), stock=3)
    html = client.get(product.get_absolute_url()).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="payments-buy-it-now"', html)[1]
    fields = {
        name: unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html.split("payments-buy-it-now")[1]
        )
    }
    assert (fields["ship_method_name_1"], fields["ship_method_price_1"]) == ("USPS Priority Mail", "4.00")
    assert (fields["ship_method_name_2"], fields["ship_method_price_2"]) == ("Free Shipping", "0.00")
    page = client.post(form, fields)
    state = hidden_fields(page.content.decode())["state"]
    assert (
        client.post(reverse("sandbox:google-pay"), {"state": state, "decision": "pay", "shipping": "0"}).status_code
        == 302
    )
    order = Order.objects.get()
    assert (order.status_id, order.shipping_method, order.shipping, order.total) == (
        "PAID",
        "USPS Priority Mail",
        Decimal("4.00"),
        Decimal("11.25"),
    )
