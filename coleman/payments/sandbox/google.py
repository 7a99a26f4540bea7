"""The Google Checkout sandbox: the service side of the Checkout, Notification and Order
Processing APIs, played locally.

* ``api/checkout/v2/checkout/Merchant/<id>``: takes the signed cart form, checks the merchant
  and the HMAC-SHA1 signature exactly as Google did (a wrong key is refused), and shows a
  "SANDBOX" pay / decline page. ``checkoutForm/Merchant/<id>`` takes the HTML API form.
* ``pay/``: the shopper's decision. It posts the notifications Google would send
  (new-order, risk-information, order-state-change, charge-amount…) to the store's
  notification URL with HTTP Basic auth, then sends the shopper to the continue-shopping URL.
* ``api/checkout/v2/request/Merchant/<id>``: Order Processing commands, answered with
  ``request-received`` or ``error`` documents; their notifications follow.

The sandbox keeps its orders in the cache. Notifications are posted with ``requests`` to an
absolute URL built from the shopper's request, so the store must serve concurrent requests
(runserver and pytest's live_server are threaded); tests without a server replace
:data:`post_notification`.
"""

import base64
import binascii
import hmac
import logging
import secrets
from decimal import Decimal, InvalidOperation
from itertools import count

import requests
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.payments import xml as safe_xml
from coleman.payments.exceptions import MalformedMessage
from coleman.payments.processors.google import MAX_AMOUNT, NAMESPACE, E, basic_auth_header, sign_cart

logger = logging.getLogger("coleman.payments.sandbox.google")

STATE_SALT = "coleman.payments.sandbox.google.pay"
ORDER_TTL = 7 * 24 * 3600
_serials = count(1)


class SandboxError(Exception):
    """A request the real service would refuse; ``status`` is the HTTP status of the answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def accounts():
    """``{merchant id: merchant key}`` the sandbox accepts."""
    return {str(k): str(v) for k, v in coleman_settings.SANDBOX_GOOGLE_ACCOUNTS.items()}


def merchant_key(merchant_id):
    """The key of a known merchant, or :class:`SandboxError`."""
    key = accounts().get(str(merchant_id))
    if key is None:
        raise SandboxError("Unknown merchant id.", 400)
    return key


def _money(text, what):
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, TypeError):
        raise SandboxError(f"{what} is not an amount.") from None
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise SandboxError(f"{what} is not an amount.")
    return to_money(value)


# --- reading carts ----------------------------------------------------------------------------


def read_xml_cart(cart_xml: bytes):
    """The parts of a ``checkout-shopping-cart`` the sandbox needs, validating required elements."""
    try:
        root = safe_xml.parse_xml(cart_xml)
    except MalformedMessage as exc:
        raise SandboxError(f"The cart is not valid XML: {exc}") from exc
    if safe_xml.local_name(root) != "checkout-shopping-cart" or etree.QName(root).namespace != NAMESPACE:
        raise SandboxError("The document is not a checkout-shopping-cart in the Checkout schema.")
    items = safe_xml.find_all(root, "shopping-cart/items/item")
    if not items:
        raise SandboxError("The cart has no items.")
    lines, currency = [], None
    for item in items:
        try:
            name = safe_xml.required_text(item, "item-name")
            quantity = int(safe_xml.required_text(item, "quantity"))
            price_el = safe_xml.find(item, "unit-price")
            if price_el is None or not price_el.get("currency"):
                raise SandboxError("An item has no unit-price with a currency.")
        except (MalformedMessage, ValueError) as exc:
            raise SandboxError(f"An item is incomplete: {exc}") from exc
        if quantity < 1:
            raise SandboxError("An item quantity is below 1.")
        currency = currency or price_el.get("currency")
        lines.append(
            {
                "name": name,
                "quantity": quantity,
                "price": str(_money(price_el.text, "unit-price")),
                "merchant_item_id": safe_xml.text(item, "merchant-item-id"),
            }
        )
    shipping_name, shipping = "", Decimal("0.00")
    flat = safe_xml.find(
        root, "checkout-flow-support/merchant-checkout-flow-support/shipping-methods/flat-rate-shipping"
    )
    carrier = safe_xml.find(
        root,
        "checkout-flow-support/merchant-checkout-flow-support/shipping-methods/carrier-calculated-shipping/"
        "carrier-calculated-shipping-options/carrier-calculated-shipping-option",
    )
    if flat is not None:
        shipping_name, shipping = flat.get("name", "Shipping"), _money(safe_xml.text(flat, "price"), "price")
    elif carrier is not None:
        shipping_name = f"{safe_xml.text(carrier, 'shipping-company')} {safe_xml.text(carrier, 'shipping-type')}"
        shipping = _money(safe_xml.text(carrier, "price"), "price")
    flow = "checkout-flow-support/merchant-checkout-flow-support/"
    private = safe_xml.find(root, "shopping-cart/merchant-private-data")
    return {
        "lines": lines,
        "currency": currency,
        "shipping_name": shipping_name,
        "shipping": str(shipping),
        "carrier": carrier is not None,
        "private_data": etree.tostring(private).decode() if private is not None else "",
        "continue_url": safe_xml.text(root, flow + "continue-shopping-url"),
        "edit_cart_url": safe_xml.text(root, flow + "edit-cart-url"),
    }


def read_html_cart(post):
    """The cart of an HTML API form (``item_name_1``…)."""
    lines, index = [], 1
    while f"item_name_{index}" in post and index <= 100:
        try:
            quantity = int(post.get(f"item_quantity_{index}", "1"))
        except ValueError:
            raise SandboxError(f"item_quantity_{index} is not a number.") from None
        if quantity < 1:
            raise SandboxError("An item quantity is below 1.")
        lines.append(
            {
                "name": post[f"item_name_{index}"][:200],
                "quantity": quantity,
                "price": str(_money(post.get(f"item_price_{index}", ""), f"item_price_{index}")),
                "merchant_item_id": post.get(f"item_merchant_id_{index}", "")[:100],
            }
        )
        index += 1
    if not lines:
        raise SandboxError("The form has no items.")
    private = post.get("shopping-cart.merchant-private-data", "")
    private_xml = etree.tostring(E("merchant-private-data", private)).decode() if private else ""
    return {
        "lines": lines,
        "currency": post.get("item_currency_1", "USD"),
        "shipping_name": post.get("ship_method_name_1", ""),
        "shipping": str(_money(post.get("ship_method_price_1", "0") or "0", "ship_method_price_1")),
        "carrier": False,
        "private_data": private_xml,
        "continue_url": post.get("continue_url", ""),
        "edit_cart_url": "",
    }


def cart_total(cart):
    """Items plus shipping, as Google would charge."""
    items = sum((Decimal(line["price"]) * line["quantity"] for line in cart["lines"]), Decimal("0"))
    return to_money(items + Decimal(cart["shipping"]))


# --- notifications ------------------------------------------------------------------------------


def post_notification(url, body, authorization):
    """POST one notification to the store; returns ``(status, body bytes)``. Tests may replace it."""
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/xml; charset=UTF-8", "Authorization": authorization},
            timeout=20,
        )
    except requests.RequestException as exc:
        return 0, str(exc).encode()
    return response.status_code, response.content


def _doc(tag, sandbox_order, *children):
    serial = f"{sandbox_order['google_number']}-{next(_serials):05d}-{secrets.token_hex(3)}"
    root = E(
        tag,
        E("google-order-number", sandbox_order["google_number"]),
        *children,
        E.timestamp(timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")),
        {"serial-number": serial},
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _money_el(tag, amount, currency):
    return E(tag, f"{to_money(amount):.2f}", currency=currency)


def new_order_document(sandbox_order):
    """The ``new-order-notification`` for a sandbox order."""
    cart = sandbox_order["cart"]
    items = [
        E.item(
            E("item-name", line["name"]),
            _money_el("unit-price", line["price"], cart["currency"]),
            E.quantity(str(line["quantity"])),
            E("merchant-item-id", line.get("merchant_item_id", "")),
        )
        for line in cart["lines"]
    ]
    shopping_cart = E("shopping-cart", E.items(*items))
    if cart["private_data"]:
        shopping_cart.insert(0, etree.fromstring(cart["private_data"], parser=safe_xml.safe_parser()))
    adjustment_tag = "carrier-calculated-shipping-adjustment" if cart["carrier"] else "flat-rate-shipping-adjustment"
    adjustment = E(
        "order-adjustment",
        E.shipping(
            E(
                adjustment_tag,
                E("shipping-name", cart["shipping_name"]),
                _money_el("shipping-cost", cart["shipping"], cart["currency"]),
            )
        ),
        _money_el("total-tax", "0", cart["currency"]),
    )
    return _doc(
        "new-order-notification",
        sandbox_order,
        E("buyer-id", "1"),
        buyer_address_element(),
        shopping_cart,
        adjustment,
        _money_el("order-total", sandbox_order["total"], cart["currency"]),
        E("fulfillment-order-state", "NEW"),
        E("financial-order-state", "REVIEWING"),
    )


def buyer_address_element():
    """The sandbox buyer's shipping address, as Google sent the buyer's stored address."""
    buyer = coleman_settings.SANDBOX_GOOGLE_BUYER
    return E(
        "buyer-shipping-address",
        E("contact-name", buyer["name"]),
        E.email(buyer["email"]),
        E.address1(buyer["line1"]),
        E.address2(buyer.get("line2", "")),
        E.city(buyer["city"]),
        E.region(buyer.get("state", "")),
        E("postal-code", buyer["postal_code"]),
        E("country-code", buyer["country"]),
    )


def state_change_document(sandbox_order, financial, previous_financial, fulfillment="NEW", reason=""):
    """An ``order-state-change-notification``."""
    children = [
        E("new-financial-order-state", financial),
        E("new-fulfillment-order-state", fulfillment),
        E("previous-financial-order-state", previous_financial),
        E("previous-fulfillment-order-state", sandbox_order.get("fulfillment", "NEW")),
    ]
    if reason:
        children.append(E.reason(reason))
    return _doc("order-state-change-notification", sandbox_order, *children)


def risk_document(sandbox_order):
    """A ``risk-information-notification`` with clean AVS/CVN results."""
    return _doc(
        "risk-information-notification",
        sandbox_order,
        E(
            "risk-information",
            E("eligible-for-protection", "true"),
            E("avs-response", "Y"),
            E("cvn-response", "M"),
            E("partial-cc-number", "4242"),
            E("buyer-account-age", "365"),
            E("ip-address", "127.0.0.1"),
        ),
    )


def amount_document(sandbox_order, kind, latest, total):
    """A ``charge-amount``/``refund-amount``/``chargeback-amount`` notification."""
    currency = sandbox_order["cart"]["currency"]
    return _doc(
        f"{kind}-amount-notification",
        sandbox_order,
        _money_el(f"latest-{kind}-amount", latest, currency),
        _money_el(f"total-{kind}-amount", total, currency),
    )


def _order_key(google_number):
    return f"sandbox:google:order:{google_number}"


def save_order(sandbox_order):
    """Keep a sandbox order (its states, amounts and queued notifications) in the cache."""
    cache.set(_order_key(sandbox_order["google_number"]), sandbox_order, ORDER_TTL)


def load_order(google_number):
    """A sandbox order, or None."""
    return cache.get(_order_key(google_number))


def deliver(sandbox_order, documents):
    """Post ``documents`` in order to the store; returns a list of ``(document, status)``.

    Stops at the first one the store does not acknowledge (as Google would retry it later).
    """
    merchant_id = sandbox_order["merchant_id"]
    authorization = basic_auth_header(merchant_id, merchant_key(merchant_id))
    results = []
    for document in documents:
        status, _ = post_notification(sandbox_order["callback_url"], document, authorization)
        results.append((document, status))
        if status != 200:
            logger.warning("sandbox google: store answered %s to a notification", status)
            break
    return results


def charge(sandbox_order, amount):
    """Charge ``amount`` of a CHARGEABLE order; returns the notifications Google would send."""
    if sandbox_order["financial"] not in ("CHARGEABLE", "CHARGED"):
        raise SandboxError(f"The order is {sandbox_order['financial']}, not chargeable.")
    amount = to_money(amount)
    if amount <= 0 or Decimal(sandbox_order["charged"]) + amount > Decimal(sandbox_order["total"]):
        raise SandboxError("The amount is more than the order's remaining total.")
    previous = sandbox_order["financial"]
    sandbox_order["charged"] = str(Decimal(sandbox_order["charged"]) + amount)
    sandbox_order["financial"] = "CHARGED"
    return [
        state_change_document(sandbox_order, "CHARGING", previous),
        amount_document(sandbox_order, "charge", amount, sandbox_order["charged"]),
        state_change_document(sandbox_order, "CHARGED", "CHARGING"),
    ]


# --- views: the shopper's pages -------------------------------------------------------------------


def _error_page(request, message, status):
    return render(request, "sandbox/google/error.html", {"error": message}, status=status)


def _pay_page(request, merchant_id, cart):
    if not cart["continue_url"]:
        cart["continue_url"] = request.build_absolute_uri("/")
    state = signing.dumps({"merchant_id": str(merchant_id), "cart": cart}, salt=STATE_SALT, compress=True)
    context = {"cart": cart, "total": cart_total(cart), "merchant_id": merchant_id, "state": state}
    return render(request, "sandbox/google/pay.html", context)


@method_decorator(csrf_exempt, name="dispatch")
class CartPostView(View):
    """Receives the store's signed XML cart (the browser posts it from the store's page)."""

    http_method_names = ["post"]

    def post(self, request, merchant_id):
        try:
            key = merchant_key(merchant_id)
            cart_b64, signature_b64 = request.POST.get("cart", ""), request.POST.get("signature", "")
            if not cart_b64 or not signature_b64:
                raise SandboxError("The form needs both cart and signature.")
            try:
                cart_xml = base64.b64decode(cart_b64, validate=True)
                signature = base64.b64decode(signature_b64, validate=True)
            except (binascii.Error, ValueError):
                raise SandboxError("The cart or signature is not base64.") from None
            if not hmac.compare_digest(sign_cart(cart_xml, key), signature):
                raise SandboxError("The cart signature is not valid for this merchant's key.", 403)
            cart = read_xml_cart(cart_xml)
        except SandboxError as exc:
            return _error_page(request, str(exc), exc.status)
        return _pay_page(request, merchant_id, cart)


@method_decorator(csrf_exempt, name="dispatch")
class HtmlCartPostView(View):
    """Receives an HTML API cart form (Buy It Now, or the store's HTML API hand-off)."""

    http_method_names = ["post"]

    def post(self, request, merchant_id):
        try:
            merchant_key(merchant_id)
            cart = read_html_cart(request.POST)
        except SandboxError as exc:
            return _error_page(request, str(exc), exc.status)
        return _pay_page(request, merchant_id, cart)


class PayView(View):
    """The shopper's "Pay" or "Decline": notify the store as Google would, then send them back."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            state = signing.loads(request.POST.get("state", ""), salt=STATE_SALT, max_age=3600)
        except signing.BadSignature:
            return _error_page(request, "This payment page has expired; start again from the store.", 400)
        decision = request.POST.get("decision")
        if decision not in ("pay", "decline"):
            return _error_page(request, "Choose Pay or Decline.", 400)
        cart = state["cart"]
        sandbox_order = {
            "google_number": "".join(secrets.choice("0123456789") for _ in range(15)),
            "merchant_id": state["merchant_id"],
            "cart": cart,
            "total": str(cart_total(cart)),
            "charged": "0.00",
            "refunded": "0.00",
            "financial": "REVIEWING",
            "fulfillment": "NEW",
            "callback_url": coleman_settings.SANDBOX_GOOGLE_CALLBACK_URL
            or request.build_absolute_uri(reverse("payments:google:notify")),
        }
        documents = [new_order_document(sandbox_order)]
        if decision == "decline":
            documents.append(
                state_change_document(sandbox_order, "PAYMENT_DECLINED", "REVIEWING", reason="Card declined")
            )
            sandbox_order["financial"] = "PAYMENT_DECLINED"
        else:
            documents.append(risk_document(sandbox_order))
            documents.append(state_change_document(sandbox_order, "CHARGEABLE", "REVIEWING"))
            sandbox_order["financial"] = "CHARGEABLE"
            if coleman_settings.SANDBOX_GOOGLE_AUTO_CHARGE:
                documents += charge(sandbox_order, Decimal(sandbox_order["total"]))
        save_order(sandbox_order)
        results = deliver(sandbox_order, documents)
        if results and results[-1][1] != 200:
            return _error_page(
                request,
                f"The store did not acknowledge a notification (HTTP {results[-1][1]}); Google would retry.",
                502,
            )
        return HttpResponseRedirect(cart["continue_url"])


# --- the Order Processing API -----------------------------------------------------------------------


def error_document(message):
    """The ``error`` answer of the Order Processing API."""
    root = E.error(E("error-message", message), {"serial-number": secrets.token_hex(8)})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def received_document():
    """The ``request-received`` answer."""
    root = E("request-received", {"serial-number": secrets.token_hex(8)})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _check_auth(merchant_id, authorization):
    key = accounts().get(str(merchant_id), "")
    expected = basic_auth_header(merchant_id, key)
    return bool(key) and hmac.compare_digest((authorization or "").encode(), expected.encode())


def handle_api_request(merchant_id, authorization, body):
    """Answer one Order Processing command: ``(HTTP status, response bytes)``.

    Notifications the command causes are posted to the store before returning.
    """
    if not _check_auth(merchant_id, authorization):
        return 401, error_document("Bad merchant id or key.")
    try:
        root = safe_xml.parse_xml(body)
    except MalformedMessage as exc:
        return 400, error_document(str(exc))
    command = safe_xml.local_name(root)
    sandbox_order = load_order(root.get("google-order-number", ""))
    if sandbox_order is None or sandbox_order["merchant_id"] != str(merchant_id):
        return 400, error_document("Unknown google-order-number.")
    try:
        documents = _apply_command(command, root, sandbox_order)
    except SandboxError as exc:
        return 400, error_document(str(exc))
    save_order(sandbox_order)
    deliver(sandbox_order, documents)
    return 200, received_document()


def _apply_command(command, root, sandbox_order):
    if command == "charge-order":
        amount = safe_xml.text(root, "amount") or str(
            Decimal(sandbox_order["total"]) - Decimal(sandbox_order["charged"])
        )
        return charge(sandbox_order, _money(amount, "amount"))
    if command == "refund-order":
        if not safe_xml.text(root, "reason"):
            raise SandboxError("refund-order needs a reason.")
        amount = _money(safe_xml.text(root, "amount") or sandbox_order["charged"], "amount")
        if amount <= 0 or Decimal(sandbox_order["refunded"]) + amount > Decimal(sandbox_order["charged"]):
            raise SandboxError("The refund is more than was charged.")
        sandbox_order["refunded"] = str(Decimal(sandbox_order["refunded"]) + amount)
        return [amount_document(sandbox_order, "refund", amount, sandbox_order["refunded"])]
    if command == "cancel-order":
        if not safe_xml.text(root, "reason"):
            raise SandboxError("cancel-order needs a reason.")
        if Decimal(sandbox_order["charged"]) > Decimal(sandbox_order["refunded"]):
            raise SandboxError("Refund the charged amount before cancelling.")
        previous, sandbox_order["financial"] = sandbox_order["financial"], "CANCELLED"
        return [state_change_document(sandbox_order, "CANCELLED", previous, sandbox_order["fulfillment"])]
    if command in ("deliver-order", "add-tracking-data"):
        if command == "add-tracking-data" and not safe_xml.text(root, "tracking-data/tracking-number"):
            raise SandboxError("add-tracking-data needs a tracking number.")
        if sandbox_order["fulfillment"] == "DELIVERED":
            return []
        document = state_change_document(
            sandbox_order, sandbox_order["financial"], sandbox_order["financial"], "DELIVERED"
        )
        sandbox_order["fulfillment"] = "DELIVERED"
        return [document]
    if command == "archive-order":
        return []
    raise SandboxError(f"Unknown command <{command}>.")


@method_decorator(csrf_exempt, name="dispatch")
class ApiRequestView(View):
    """The Order Processing API endpoint over HTTP (Basic auth as Google required)."""

    http_method_names = ["post"]

    def post(self, request, merchant_id):
        status, body = handle_api_request(merchant_id, request.META.get("HTTP_AUTHORIZATION", ""), request.body)
        response = HttpResponse(body, status=status, content_type="application/xml; charset=utf-8")
        if status == 401:
            response["WWW-Authenticate"] = 'Basic realm="Google Checkout sandbox"'
        return response


urlpatterns = [
    path("api/checkout/v2/checkout/Merchant/<str:merchant_id>", CartPostView.as_view(), name="google-cart"),
    path(
        "api/checkout/v2/checkoutForm/Merchant/<str:merchant_id>",
        HtmlCartPostView.as_view(),
        name="google-form",
    ),
    path("api/checkout/v2/request/Merchant/<str:merchant_id>", ApiRequestView.as_view(), name="google-request"),
    path("pay/", PayView.as_view(), name="google-pay"),
]
