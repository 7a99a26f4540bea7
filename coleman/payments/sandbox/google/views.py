"""The Google Checkout sandbox's pages and API: the service side of the Checkout, Notification
and Order Processing APIs, played locally.

* ``api/checkout/v2/checkout/Merchant/<id>``: takes the signed cart form, checks the merchant
  and the HMAC-SHA1 signature exactly as Google did (a wrong key is refused), and shows a
  "SANDBOX" pay / decline page. ``checkoutForm/Merchant/<id>`` takes the HTML API form.
* ``pay/``: the shopper's decision. It posts the notifications Google would send
  (new-order, risk-information, order-state-change, charge-amount…) to the store's
  notification URL with HTTP Basic auth, then sends the shopper to the continue-shopping URL.
* ``api/checkout/v2/request/Merchant/<id>``: Order Processing commands, answered with
  ``request-received`` or ``error`` documents; their notifications follow.

The sandbox keeps its orders in the cache. It posts notifications over HTTP (a gateway
session, ``coleman.payments.http``) to an absolute URL built from the shopper's request, so
the store must serve two requests at once (runserver and the test live server are threaded;
the test suite's transport adapter hands them to Django's test client instead).
"""

import base64
import binascii
import hmac
import logging
import secrets
from decimal import Decimal

from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.money import to_money
from coleman.payments import xml as safe_xml
from coleman.payments.exceptions import GatewayUnavailable, MalformedMessage
from coleman.payments.http import gateway_session

from ..conf import sandbox_settings
from .documents import (
    SandboxError,
    amount_document,
    basic_authorization,
    cart_signature,
    cart_total,
    choose_shipping,
    error_document,
    new_order_document,
    parse_money,
    read_html_cart,
    read_xml_cart,
    received_document,
    risk_document,
    state_change_document,
)

logger = logging.getLogger("coleman.payments.sandbox.google")

STATE_SALT = "coleman.payments.sandbox.google.pay"
ORDER_TTL = 7 * 24 * 3600
# Seconds the sandbox waits for the store to acknowledge a notification.
NOTIFY_TIMEOUT = 20


def accounts():
    """``{merchant id: merchant key}`` the sandbox accepts."""
    return {str(k): str(v) for k, v in sandbox_settings.GOOGLE_ACCOUNTS.items()}


def merchant_key(merchant_id):
    """The key of a known merchant, or :class:`SandboxError`."""
    key = accounts().get(str(merchant_id))
    if key is None:
        raise SandboxError("Unknown merchant id.", 400)
    return key


# --- the sandbox's orders and its notifications to the store ----------------------------------


def post_notification(url, body, authorization):
    """POST one notification to the store; returns the HTTP status (0 when it cannot be reached)."""
    session = gateway_session("The store", timeout=NOTIFY_TIMEOUT)
    try:
        response = session.post(
            url,
            data=body,
            headers={"Content-Type": "application/xml; charset=UTF-8", "Authorization": authorization},
        )
    except GatewayUnavailable as exc:
        logger.warning("sandbox google: %s", exc)
        return exc.status_code or 0
    return response.status_code


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
    authorization = basic_authorization(merchant_id, merchant_key(merchant_id))
    results = []
    for document in documents:
        status = post_notification(sandbox_order["callback_url"], document, authorization)
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


# --- views: the shopper's pages -------------------------------------------------------------


def _error_page(request, message, status):
    return render(request, "sandbox/google/error.html", {"error": message}, status=status)


def _pay_page(request, merchant_id, cart):
    if not cart["continue_url"]:
        cart["continue_url"] = request.build_absolute_uri("/")
    state = signing.dumps({"merchant_id": str(merchant_id), "cart": cart}, salt=STATE_SALT, compress=True)
    options = [
        {**option, "total": cart_total({**cart, "shipping": option["price"]})} for option in cart["shipping_options"]
    ]
    context = {
        "cart": cart,
        "options": options,
        "total": cart_total(cart),
        "merchant_id": merchant_id,
        "state": state,
    }
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
            if not hmac.compare_digest(cart_signature(cart_xml, key), signature):
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
        try:
            cart.update(choose_shipping(cart, int(request.POST.get("shipping", "0") or "0")))
        except (SandboxError, ValueError):
            return _error_page(request, "Choose one of the shipping methods offered.", 400)
        sandbox_order = {
            "google_number": "".join(secrets.choice("0123456789") for _ in range(15)),
            "merchant_id": state["merchant_id"],
            "cart": cart,
            "total": str(cart_total(cart)),
            "charged": "0.00",
            "refunded": "0.00",
            "financial": "REVIEWING",
            "fulfillment": "NEW",
            "callback_url": sandbox_settings.GOOGLE_CALLBACK_URL
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
            if sandbox_settings.GOOGLE_AUTO_CHARGE:
                documents += charge(sandbox_order, Decimal(sandbox_order["total"]))
        save_order(sandbox_order)
        results = deliver(sandbox_order, documents)
        if results and results[-1][1] != 200:
            return _error_page(
                request,
                f"The store did not acknowledge a notification (HTTP {results[-1][1]}); Google would retry.",
                502,
            )
        digital = [line for line in cart["lines"] if line.get("digital")]
        if decision == "pay" and digital:
            return _confirmation_page(request, sandbox_order, digital)
        return HttpResponseRedirect(cart["continue_url"])


def _confirmation_page(request, sandbox_order, digital_lines):
    """Google's confirmation page for an order with Digital Delivery items: each item's key, link
    and description (or the notice that the merchant emails instructions), then the way back.

    PESSIMISTIC content waits until the order is charged, as Google kept it back.
    """
    charged = sandbox_order["financial"] == "CHARGED"
    items = [{**line, "shown": line["digital"]["disposition"] == "OPTIMISTIC" or charged} for line in digital_lines]
    context = {"order": sandbox_order, "items": items, "continue_url": sandbox_order["cart"]["continue_url"]}
    return render(request, "sandbox/google/confirmation.html", context)


# --- the Order Processing API ---------------------------------------------------------------


def _check_auth(merchant_id, authorization):
    key = accounts().get(str(merchant_id), "")
    expected = basic_authorization(merchant_id, key)
    return bool(key) and hmac.compare_digest((authorization or "").encode(), expected.encode())


def handle_api_request(merchant_id, authorization, body):
    """Answer one Order Processing command: ``(HTTP status, response bytes)``.

    Notifications the command causes are posted to the store before the answer is sent.
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
        return charge(sandbox_order, parse_money(amount, "amount"))
    if command == "refund-order":
        if not safe_xml.text(root, "reason"):
            raise SandboxError("refund-order needs a reason.")
        amount = parse_money(safe_xml.text(root, "amount") or sandbox_order["charged"], "amount")
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
