"""Google Checkout, as its XML API documented it (API version 2).

* Hand-off: the cart as a ``checkout-shopping-cart`` XML document rendered from the protocol
  template ``payments/google/checkout-shopping-cart.xml`` and signed with HMAC-SHA1 under the
  merchant key; both base64-encoded and posted by the shopper's browser to
  ``<api base>checkout/Merchant/<merchant id>`` (fields ``cart`` and ``signature``). The HTML
  API variant posts plain ``item_name_1``… fields to ``checkoutForm/Merchant/<id>``.
* Notification API: Google posts XML notifications to ``/payments/google/notify/`` with HTTP
  Basic auth ``merchant id:merchant key``; the store answers each with a
  ``notification-acknowledgment`` carrying the serial number.
* Order Processing API: the store posts command documents (``charge-order``,
  ``refund-order``…) to ``<api base>request/Merchant/<id>`` with the same Basic auth;
  Google answers ``request-received`` or ``error``.

When ``COLEMAN_GOOGLE_API_BASE`` is empty the processor talks to this site's gateway sandbox
(``coleman.payments.sandbox``): the browser posts to ``/sandbox/google/…`` and Order
Processing commands are handed to the sandbox in-process.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from decimal import Decimal, InvalidOperation

import requests
from django.apps import apps
from django.core import checks
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from lxml import etree
from lxml.builder import ElementMaker

from coleman.conf import coleman_settings
from coleman.core.money import to_money

from .. import xml as safe_xml
from ..exceptions import GatewayError, MalformedMessage, MessageRejected, Unauthenticated
from ..models import EventOutcome, PaymentTransaction, TransactionKind, TransactionStatus
from ..services import apply_once, flag_order, log_rejected, move_order, record_checkout
from .base import PaymentProcessor
from .views import ProcessorReturnView

logger = logging.getLogger("coleman.payments.google")

NAMESPACE = "http://checkout.google.com/schema/2"
LIVE_API_BASE = "https://checkout.google.com/api/checkout/v2/"
SANDBOX_PREFIX = "/sandbox/google/api/checkout/v2/"
E = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})

#: Amounts must fit the store's money fields (12 digits, 2 of them decimals).
MAX_AMOUNT = Decimal("10000000000")

NOTIFICATION_TYPES = (
    "new-order-notification",
    "risk-information-notification",
    "order-state-change-notification",
    "charge-amount-notification",
    "refund-amount-notification",
    "chargeback-amount-notification",
)


# --- signatures and encodings ---------------------------------------------------------------


def sign_cart(cart_xml: bytes, merchant_key: str) -> bytes:
    """The raw HMAC-SHA1 of the cart document under the merchant key."""
    return hmac.new(merchant_key.encode("utf-8"), cart_xml, hashlib.sha1).digest()


def encode_cart(cart_xml: bytes, merchant_key: str) -> tuple[str, str]:
    """``(cart, signature)`` as the hand-off form posts them: both base64."""
    return (
        base64.b64encode(cart_xml).decode("ascii"),
        base64.b64encode(sign_cart(cart_xml, merchant_key)).decode("ascii"),
    )


def verify_cart(cart_b64: str, signature_b64: str, merchant_key: str) -> bytes:
    """Decode a posted cart and check its signature; returns the cart XML or raises."""
    try:
        cart_xml = base64.b64decode(cart_b64, validate=True)
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedMessage("The cart or signature is not base64.") from exc
    if not hmac.compare_digest(sign_cart(cart_xml, merchant_key), signature):
        raise Unauthenticated("The cart signature does not match the merchant key.", status=403)
    return cart_xml


def basic_auth_header(merchant_id: str, merchant_key: str) -> str:
    """The ``Authorization`` header value Google sends and expects."""
    token = base64.b64encode(f"{merchant_id}:{merchant_key}".encode()).decode("ascii")
    return f"Basic {token}"


def check_basic_auth(header: str, merchant_id: str, merchant_key: str) -> None:
    """Raise :class:`Unauthenticated` unless ``header`` carries exactly these credentials.

    Both parts are compared in constant time (and both always compared).
    """
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "basic" or not token:
        raise Unauthenticated("Missing HTTP Basic credentials.")
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Unauthenticated("Malformed HTTP Basic credentials.") from None
    id_ok = hmac.compare_digest(user.encode(), str(merchant_id).encode())
    key_ok = hmac.compare_digest(password.encode(), str(merchant_key).encode())
    if not (sep and id_ok and key_ok):
        raise Unauthenticated("Wrong merchant id or key.")


def parse_amount(text, what):
    """A money amount from a notification, or :class:`MalformedMessage`."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        raise MalformedMessage(f"<{what}> is not an amount.") from None
    if not value.is_finite() or value < 0 or value >= MAX_AMOUNT:
        raise MalformedMessage(f"<{what}> is not an amount.")
    return to_money(value)


# --- documents --------------------------------------------------------------------------------


def acknowledgment(serial_number: str) -> bytes:
    """The ``notification-acknowledgment`` document for ``serial_number``."""
    root = E("notification-acknowledgment", {"serial-number": serial_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _amount(value, currency):
    return E.amount(f"{to_money(value):.2f}", currency=currency)


def charge_order_document(google_order_number, amount, currency) -> bytes:
    """``charge-order``: capture ``amount`` of an authorized order."""
    root = E("charge-order", _amount(amount, currency), {"google-order-number": google_order_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def refund_order_document(google_order_number, amount, currency, reason, comment="") -> bytes:
    """``refund-order``: give back ``amount`` with a reason shown to the customer."""
    children = [_amount(amount, currency), E.reason(reason or "Refund")]
    if comment:
        children.append(E.comment(comment))
    root = E("refund-order", *children, {"google-order-number": google_order_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def cancel_order_document(google_order_number, reason, comment="") -> bytes:
    """``cancel-order``: cancel an order that was not charged (or was refunded)."""
    children = [E.reason(reason or "Cancelled by the store")]
    if comment:
        children.append(E.comment(comment))
    root = E("cancel-order", *children, {"google-order-number": google_order_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _tracking(carrier, tracking_number):
    return E("tracking-data", E.carrier(carrier or "Other"), E("tracking-number", tracking_number))


def deliver_order_document(google_order_number, tracking_number="", carrier="", send_email=True) -> bytes:
    """``deliver-order``: the order shipped (with tracking data when known)."""
    children = [_tracking(carrier, tracking_number)] if tracking_number else []
    children.append(E("send-email", "true" if send_email else "false"))
    root = E("deliver-order", *children, {"google-order-number": google_order_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def add_tracking_data_document(google_order_number, tracking_number, carrier="") -> bytes:
    """``add-tracking-data``: another tracking number for a delivered order."""
    root = E("add-tracking-data", _tracking(carrier, tracking_number), {"google-order-number": google_order_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def archive_order_document(google_order_number) -> bytes:
    """``archive-order``: hide the order from the Merchant Center's inbox."""
    root = E("archive-order", {"google-order-number": google_order_number})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def parse_api_response(body) -> str:
    """Read an Order Processing API answer: the serial number, or :class:`GatewayError`."""
    try:
        root = safe_xml.parse_xml(body, max_bytes=64 * 1024)
    except MalformedMessage as exc:
        raise GatewayError(f"Google sent an unreadable answer: {exc}") from exc
    kind = safe_xml.local_name(root)
    if kind == "request-received":
        return root.get("serial-number", "")
    if kind == "error":
        raise GatewayError(f"Google refused the request: {safe_xml.text(root, 'error-message') or 'no reason given'}")
    raise GatewayError(f"Google sent an unexpected <{kind}> answer.")


# --- carts that did not come from the session ------------------------------------------------


class ListedItem:
    """One product and quantity of a :class:`ListedCart`."""

    def __init__(self, product, quantity):
        self.product = product
        self.quantity = quantity
        self.item_id = str(product.pk)
        self.unit_price = product.price
        self.line_total = to_money(product.price * quantity)


class ListedCart:
    """A cart built from a product list instead of a session: Buy It Now and Google's new orders.

    It offers what the orders app's shipping calculators and ``make_order_from_cart`` read
    (iteration, ``is_empty``, ``count``, ``subtotal``, ``total_weight``, ``clear``).
    """

    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def is_empty(self):
        return not self.items

    @property
    def count(self):
        return sum(item.quantity for item in self.items)

    @property
    def subtotal(self):
        return to_money(sum((item.line_total for item in self.items), Decimal("0")))

    @property
    def total_weight(self):
        return sum(((item.product.weight or Decimal("0")) * item.quantity for item in self.items), Decimal("0"))

    def clear(self):
        """Nothing to clear: the cart lives only as long as the request."""


# --- the Order Processing API client -----------------------------------------------------------


def requests_transport(url, body, *, auth, cert, timeout):
    """POST ``body`` with requests; returns ``(status, bytes)``."""
    try:
        response = requests.post(
            url,
            data=body,
            auth=auth,
            cert=cert or None,
            timeout=timeout,
            headers={
                "Content-Type": "application/xml; charset=UTF-8",
                "Accept": "application/xml; charset=UTF-8",
            },
        )
    except requests.RequestException as exc:
        raise GatewayError(f"Google Checkout could not be reached: {exc}") from exc
    return response.status_code, response.content


def sandbox_transport(url, body, *, auth, cert, timeout):
    """Hand the command to this site's gateway sandbox in-process (dev and test)."""
    if not apps.is_installed("coleman.payments.sandbox"):
        raise GatewayError("COLEMAN_GOOGLE_API_BASE is empty and the gateway sandbox is not installed.")
    from coleman.payments.sandbox import google as sandbox

    return sandbox.handle_api_request(auth[0], basic_auth_header(*auth), body)


class OrderProcessingClient:
    """Sends Order Processing API commands for one merchant account."""

    def __init__(self, *, merchant_id, merchant_key, api_base="", cert=None, timeout=15, transport=None):
        self.merchant_id = str(merchant_id)
        self.merchant_key = merchant_key
        self.api_base = api_base
        self.cert = cert or None
        self.timeout = timeout
        self.transport = transport or (requests_transport if api_base else sandbox_transport)

    @property
    def url(self):
        """The merchant's request endpoint."""
        return f"{self.api_base or SANDBOX_PREFIX}request/Merchant/{self.merchant_id}"

    def send(self, document: bytes) -> str:
        """Post ``document``; returns Google's serial number or raises :class:`GatewayError`."""
        status, body = self.transport(
            self.url,
            document,
            auth=(self.merchant_id, self.merchant_key),
            cert=self.cert,
            timeout=self.timeout,
        )
        if status == 401:
            raise GatewayError("Google refused the merchant id or key.")
        return parse_api_response(body)


# --- the processor ----------------------------------------------------------------------------


class GoogleCheckout(PaymentProcessor):
    """Google Checkout: signed XML cart hand-off, Notification API, Order Processing API."""

    name = "google"
    verbose_name = "Google Checkout"
    settings_prefix = "GOOGLE_"
    handoff_template_name = "payments/google/handoff.html"

    # --- configuration --------------------------------------------------------------------

    @property
    def merchant_id(self):
        """The merchant id (also the Basic-auth user name)."""
        return str(self.setting("MERCHANT_ID"))

    @property
    def merchant_key(self):
        """The merchant key (HMAC key and Basic-auth password)."""
        return str(self.setting("MERCHANT_KEY"))

    @property
    def uses_sandbox(self):
        """True when no real API base is configured (this site's sandbox plays Google)."""
        return not self.setting("API_BASE")

    def api_url(self, endpoint):
        """``<api base><endpoint>/Merchant/<id>`` (sandbox path when no base is set)."""
        return f"{self.setting('API_BASE') or SANDBOX_PREFIX}{endpoint}/Merchant/{self.merchant_id}"

    def check(self):
        """Report missing credentials, a bad API mode, or a sandbox endpoint where forbidden."""
        errors = []
        if not self.merchant_id or not self.merchant_key:
            errors.append(checks.Error("COLEMAN_GOOGLE_MERCHANT_ID and _KEY must be set.", id="coleman.E104"))
        if self.setting("CART_API") not in ("xml", "html"):
            errors.append(checks.Error('COLEMAN_GOOGLE_CART_API must be "xml" or "html".', id="coleman.E105"))
        base = self.setting("API_BASE")
        if coleman_settings.PAYMENTS_REQUIRE_LIVE_ENDPOINTS and (not base or "sandbox" in base):
            errors.append(
                checks.Error(
                    "Google Checkout points at a sandbox endpoint in settings that require live endpoints.",
                    hint=f"Set COLEMAN_GOOGLE_API_BASE={LIVE_API_BASE!r} (or allow the sandbox).",
                    id="coleman.E106",
                )
            )
        if base and not base.endswith("/"):
            errors.append(checks.Error("COLEMAN_GOOGLE_API_BASE must end with '/'.", id="coleman.E107"))
        return errors

    def client(self, transport=None):
        """An :class:`OrderProcessingClient` for this merchant."""
        return OrderProcessingClient(
            merchant_id=self.merchant_id,
            merchant_key=self.merchant_key,
            api_base=self.setting("API_BASE"),
            cert=self.setting("CLIENT_CERT") or None,
            timeout=self.setting("TIMEOUT"),
            transport=transport,
        )

    # --- URLs -----------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("notify/", NotificationView.as_view(processor=self), name="notify"),
            path("return/<str:number>/", ProcessorReturnView.as_view(processor=self), name="return"),
        ]

    # --- the cart ---------------------------------------------------------------------------

    def line_is_digital(self, line):
        """True when the order line is a digital good (a product with ``is_digital``)."""
        return bool(getattr(line.product, "is_digital", False)) if line.product_id else False

    def cart_context(self, request, order):
        """The context of the cart template: lines, shipping, the URLs Google sends people back to."""
        lines = list(order.lines.select_related("product").order_by("pk"))
        for line in lines:
            line.description = (line.product.description[:500] if line.product_id else "") or line.name
            line.is_digital = self.line_is_digital(line)
            line.digital_description = f"Your download for {line.name} appears in your order page."
        carrier = self.setting("CARRIER_SHIPPING")
        if carrier:
            carrier = {
                "methods": carrier.get("methods") or [["UPS", "Ground"]],
                "default_price": f"{to_money(carrier.get('default_price', '10.00')):.2f}",
                "package": {"length": 12, "width": 9, "height": 4, **(carrier.get("package") or {})},
                "ship_from": carrier.get("ship_from") or {},
            }
        return {
            "order": order,
            "lines": lines,
            "carrier": carrier or None,
            "shipping_name": order.shipping_method or "Shipping",
            "continue_url": self.absolute_url(request, "return", number=order.number),
            "edit_cart_url": request.build_absolute_uri(reverse("cart:detail")),
        }

    def cart_xml(self, request, order) -> bytes:
        """The ``checkout-shopping-cart`` document for ``order``."""
        return render_to_string("payments/google/checkout-shopping-cart.xml", self.cart_context(request, order)).encode(
            "utf-8"
        )

    def html_api_fields(self, request, order):
        """The HTML API form fields for ``order`` (``item_name_1``…), in order."""
        fields = []
        for index, line in enumerate(order.lines.order_by("pk"), start=1):
            fields += [
                (f"item_name_{index}", line.name),
                (f"item_description_{index}", line.name),
                (f"item_quantity_{index}", str(line.quantity)),
                (f"item_price_{index}", f"{line.unit_price:.2f}"),
                (f"item_currency_{index}", order.currency),
                (f"item_merchant_id_{index}", line.sku),
            ]
        fields += [
            ("ship_method_name_1", order.shipping_method or "Shipping"),
            ("ship_method_price_1", f"{order.shipping:.2f}"),
            ("ship_method_currency_1", order.currency),
            ("shopping-cart.merchant-private-data", order.number),
            ("continue_url", self.absolute_url(request, "return", number=order.number)),
            ("_charset_", "utf-8"),
        ]
        return fields

    def get_handoff_context(self, request, order):
        record_checkout(order, self.name)
        if self.setting("CART_API") == "html":
            return {
                "handoff": {
                    "action": self.api_url("checkoutForm"),
                    "fields": self.html_api_fields(request, order),
                    "button": "Pay with Google Checkout",
                }
            }
        cart, signature = encode_cart(self.cart_xml(request, order), self.merchant_key)
        return {
            "handoff": {
                "action": self.api_url("checkout"),
                "fields": [("cart", cart), ("signature", signature)],
                "button": "Pay with Google Checkout",
            }
        }

    def buy_it_now_fields(self, product):
        """HTML API fields for buying one ``product`` straight from its page.

        Shipping is our own quote for that one product, so Google's total matches the order
        the store makes from Google's new-order notification (see :meth:`order_from_notification`).
        """
        from coleman.orders.shipping import get_shipping_calculator

        calculator = get_shipping_calculator()
        shipping = calculator.quote(ListedCart([ListedItem(product, 1)]))
        return [
            ("item_name_1", product.name),
            ("item_description_1", (product.description or product.name)[:500]),
            ("item_quantity_1", "1"),
            ("item_price_1", f"{product.price:.2f}"),
            ("item_currency_1", coleman_settings.CURRENCY),
            ("item_merchant_id_1", product.slug),
            ("ship_method_name_1", str(calculator.name)[:100] or "Shipping"),
            ("ship_method_price_1", f"{shipping:.2f}"),
            ("ship_method_currency_1", coleman_settings.CURRENCY),
            ("_charset_", "utf-8"),
        ]

    def order_from_notification(self, root, google_number):
        """Make the store order for a Google order that did not start in our cart (Buy It Now).

        Items are matched by ``merchant-item-id`` (our product slug), priced from the database;
        the buyer's email and shipping address come from the notification. The Google order
        number is the order's checkout token, so it can only ever make one order.
        """
        from coleman.orders.exceptions import CheckoutError, DuplicateCheckout
        from coleman.orders.services import make_order_from_cart
        from coleman.products.models import Product

        wanted = []
        for item in safe_xml.find_all(root, "shopping-cart/items/item"):
            slug = safe_xml.text(item, "merchant-item-id")
            try:
                quantity = int(safe_xml.required_text(item, "quantity"))
            except ValueError:
                raise MalformedMessage("An item quantity is not a number.") from None
            if not slug or quantity < 1:
                raise MalformedMessage("An item has no merchant-item-id or a bad quantity.")
            wanted.append((slug, quantity))
        if not wanted:
            raise MalformedMessage("The new order has no items.")
        products = Product.objects.in_bulk([slug for slug, _ in wanted], field_name="slug")
        missing = [slug for slug, _ in wanted if slug not in products]
        if missing:
            raise MalformedMessage(f"Unknown products in the new order: {', '.join(missing)}.")
        buyer = safe_xml.find(root, "buyer-shipping-address")
        if buyer is None:
            raise MalformedMessage("The new order has no buyer-shipping-address.")
        address = {
            "name": safe_xml.text(buyer, "contact-name"),
            "line1": safe_xml.text(buyer, "address1"),
            "line2": safe_xml.text(buyer, "address2"),
            "city": safe_xml.text(buyer, "city"),
            "state": safe_xml.text(buyer, "region"),
            "postal_code": safe_xml.text(buyer, "postal-code"),
            "country": safe_xml.text(buyer, "country-code"),
        }
        cart = ListedCart(ListedItem(products[slug], quantity) for slug, quantity in wanted)
        try:
            return make_order_from_cart(
                cart,
                email=safe_xml.text(buyer, "email"),
                shipping_address=address,
                comments=f"Google Checkout Buy It Now, Google order {google_number}.",
                checkout_token=f"google:{google_number}",
            )
        except DuplicateCheckout as exc:
            return exc.order
        except CheckoutError as exc:
            raise MalformedMessage(f"Cannot make an order from Google order {google_number}: {exc}") from exc

    # --- the pipeline -------------------------------------------------------------------------

    def google_order_number(self, order):
        """Google's order number for ``order`` (from the new-order notification)."""
        number = (
            PaymentTransaction.objects.filter(order=order, processor=self.name, kind=TransactionKind.CHECKOUT)
            .exclude(remote_id="")
            .values_list("remote_id", flat=True)
            .first()
        )
        if not number:
            raise GatewayError(f"Google has not confirmed order {order.number} yet (no new-order notification).")
        return number

    def _command(self, order, kind, document, amount=None, reference=""):
        txn = PaymentTransaction.objects.create(
            order=order,
            processor=self.name,
            kind=kind,
            reference=reference or f"{kind}:{order.number}:{secrets.token_hex(6)}",
            amount=amount,
            currency=order.currency if amount is not None else "",
            raw_response="",
        )
        try:
            serial = self.client().send(document)
        except GatewayError as exc:
            txn.status = TransactionStatus.FAILED
            txn.message = str(exc)
            txn.save(update_fields=["status", "message", "updated_at"])
            raise
        txn.status = TransactionStatus.PENDING
        txn.remote_id = serial
        txn.message = "Google received the request; its notifications confirm the outcome."
        txn.save(update_fields=["status", "remote_id", "message", "updated_at"])
        return txn

    def charge(self, order, amount=None):
        amount = to_money(amount if amount is not None else order.total)
        document = charge_order_document(self.google_order_number(order), amount, order.currency)
        return self._command(order, TransactionKind.CHARGE, document, amount)

    def refund(self, order, amount=None, reason=""):
        amount = to_money(amount if amount is not None else order.total)
        document = refund_order_document(self.google_order_number(order), amount, order.currency, reason)
        return self._command(order, TransactionKind.REFUND, document, amount)

    def cancel(self, order, reason=""):
        document = cancel_order_document(self.google_order_number(order), reason)
        return self._command(order, TransactionKind.CANCEL, document)

    def ship(self, order, tracking_number="", carrier=""):
        document = deliver_order_document(self.google_order_number(order), tracking_number, carrier)
        return self._command(order, TransactionKind.SHIP, document)

    def add_tracking_data(self, order, tracking_number, carrier=""):
        """Send another tracking number for a shipped order."""
        document = add_tracking_data_document(self.google_order_number(order), tracking_number, carrier)
        return self._command(order, TransactionKind.SHIP, document)

    def archive(self, order):
        """Archive the order in the Merchant Center."""
        document = archive_order_document(self.google_order_number(order))
        return self._command(order, TransactionKind.ARCHIVE, document)

    # --- notifications ------------------------------------------------------------------------

    def find_order(self, root, kind):
        """Our order for a notification: by merchant-private-data (new-order) or Google's number."""
        from coleman.orders.models import Order

        google_number = safe_xml.required_text(root, "google-order-number")
        if len(google_number) > 40:
            raise MalformedMessage("The google-order-number is too long.")
        if kind == "new-order-notification":
            number = safe_xml.text(root, "shopping-cart/merchant-private-data/merchant-note") or safe_xml.text(
                root, "shopping-cart/merchant-private-data"
            )
            if not number:
                return self.order_from_notification(root, google_number), google_number
            order = Order.objects.filter(number=number).first()
        else:
            order = (
                Order.objects.filter(
                    payment_transactions__processor=self.name,
                    payment_transactions__kind=TransactionKind.CHECKOUT,
                    payment_transactions__remote_id=google_number,
                )
                .distinct()
                .first()
            )
        if order is None:
            raise MalformedMessage(f"No order matches Google order {google_number}.")
        return order, google_number

    def apply_notification(self, event, root, kind, order, google_number):
        """Apply one authenticated, first-seen notification; returns ``(outcome, message)``."""
        handler = getattr(self, "on_" + kind.replace("-notification", "").replace("-", "_"))
        return handler(event, root, order, google_number)

    def on_new_order(self, event, root, order, google_number):
        total = parse_amount(safe_xml.required_text(root, "order-total"), "order-total")
        currency = (safe_xml.find(root, "order-total").get("currency") or "").upper()
        txn = record_checkout(order, self.name)
        if txn.remote_id and txn.remote_id != google_number:
            flag_order(
                order,
                f"Google sent a second order number {google_number} for this order.",
                processor=self.name,
            )
            return EventOutcome.FLAGGED, "A second Google order for the same store order."
        txn.remote_id = google_number
        txn.message = f"Google order {google_number}: {safe_xml.text(root, 'financial-order-state')}"
        txn.save(update_fields=["remote_id", "message", "updated_at"])
        expected, carrier_cost = order.total, None
        if self.setting("CARRIER_SHIPPING"):
            shipping = safe_xml.text(
                root, "order-adjustment/shipping/carrier-calculated-shipping-adjustment/shipping-cost"
            )
            if shipping:
                carrier_cost = parse_amount(shipping, "shipping-cost")
                expected = to_money(order.subtotal + carrier_cost)
        if total != expected or currency != order.currency:
            note = f"Google's order total {total} {currency} differs from ours ({expected} {order.currency})."
            flag_order(order, note, processor=self.name)
            return EventOutcome.FLAGGED, note
        if carrier_cost is not None and carrier_cost != order.shipping:
            # The carrier's price, chosen on Google's pages, replaces our estimate on the order.
            type(order).objects.filter(pk=order.pk).update(shipping=carrier_cost, total=expected)
            order.shipping, order.total = carrier_cost, expected
            order.shipping_method = (
                safe_xml.text(root, "order-adjustment/shipping/carrier-calculated-shipping-adjustment/shipping-name")[
                    :100
                ]
                or order.shipping_method
            )
            type(order).objects.filter(pk=order.pk).update(shipping_method=order.shipping_method)
        move_order(order, "NEW_CHKOUT", processor=self.name, note=f"Google order {google_number} received.")
        return EventOutcome.APPLIED, f"Order is checking out at Google ({google_number})."

    def on_risk_information(self, event, root, order, google_number):
        avs = safe_xml.text(root, "risk-information/avs-response")
        cvn = safe_xml.text(root, "risk-information/cvn-response")
        eligible = safe_xml.text(root, "risk-information/eligible-for-protection")
        return (
            EventOutcome.APPLIED,
            f"Risk: AVS {avs or '?'}, CVN {cvn or '?'}, protection {eligible or '?'}.",
        )

    def on_order_state_change(self, event, root, order, google_number):
        financial = safe_xml.text(root, "new-financial-order-state")
        fulfillment = safe_xml.text(root, "new-fulfillment-order-state")
        if not financial and not fulfillment:
            raise MalformedMessage("The state change names no new state.")
        order.refresh_from_db(fields=["status"])
        note = f"Google: financial {financial or '-'}, fulfillment {fulfillment or '-'}."
        if financial == "PAYMENT_DECLINED":
            self._record_decline(order, google_number, safe_xml.text(root, "reason"))
            return EventOutcome.APPLIED, "The payment was declined; the order stays unpaid."
        if financial in ("CANCELLED", "CANCELLED_BY_GOOGLE"):
            if order.status_id in ("NEW", "NEW_CHKOUT", "EXCEPTION"):
                move_order(order, "CANCELLED", processor=self.name, note=note)
            return EventOutcome.APPLIED, note
        if financial == "CHARGED" and order.status_id == "NEW_CHKOUT" and self._charged_in_full(order):
            move_order(order, "PAID", processor=self.name, note=note)
        if fulfillment == "DELIVERED" and order.status_id == "PAID":
            move_order(order, "SHIPPED", processor=self.name, note=note)
        return EventOutcome.APPLIED, note

    def _record_decline(self, order, google_number, reason):
        PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.AUTHORIZE,
            reference=f"declined:{google_number}",
            defaults={
                "order": order,
                "status": TransactionStatus.DECLINED,
                "amount": order.total,
                "currency": order.currency,
                "message": reason or "Google declined the payment.",
            },
        )

    def _charged_in_full(self, order):
        charged = (
            PaymentTransaction.objects.filter(
                order=order,
                processor=self.name,
                kind=TransactionKind.CHARGE,
                status=TransactionStatus.SUCCEEDED,
            )
            .order_by("-created_at", "-id")
            .values_list("amount", flat=True)
            .first()
        )
        return charged is not None and charged == order.total

    def _amount_notification(self, event, root, order, kind, latest_tag, total_tag):
        latest = parse_amount(safe_xml.required_text(root, latest_tag), latest_tag)
        total = parse_amount(safe_xml.required_text(root, total_tag), total_tag)
        PaymentTransaction.objects.create(
            order=order,
            processor=self.name,
            kind=kind,
            reference=f"serial:{event.idempotency_key}",
            status=TransactionStatus.SUCCEEDED,
            amount=total,
            currency=order.currency,
            message=f"Latest {latest}, total {total}.",
            raw_response=event.body[:10000],
        )
        return latest, total

    def on_charge_amount(self, event, root, order, google_number):
        latest, total = self._amount_notification(
            event, root, order, TransactionKind.CHARGE, "latest-charge-amount", "total-charge-amount"
        )
        order.refresh_from_db(fields=["status"])
        if total != order.total:
            note = f"Google charged {total}, the order total is {order.total}."
            flag_order(order, note, processor=self.name)
            return EventOutcome.FLAGGED, note
        if order.status_id in ("NEW", "NEW_CHKOUT"):
            move_order(order, "PAID", processor=self.name, note=f"Google charged {total}.")
        return EventOutcome.APPLIED, f"Charged {latest} (total {total})."

    def on_refund_amount(self, event, root, order, google_number):
        latest, total = self._amount_notification(
            event, root, order, TransactionKind.REFUND, "latest-refund-amount", "total-refund-amount"
        )
        return EventOutcome.APPLIED, f"Refunded {latest} (total {total})."

    def on_chargeback_amount(self, event, root, order, google_number):
        latest, total = self._amount_notification(
            event,
            root,
            order,
            TransactionKind.CHARGEBACK,
            "latest-chargeback-amount",
            "total-chargeback-amount",
        )
        note = f"Chargeback of {latest} (total {total})."
        flag_order(order, note, processor=self.name)
        return EventOutcome.FLAGGED, note


def client_ip(request):
    """The client address as the WSGI server saw it (for the event log)."""
    return request.META.get("REMOTE_ADDR") or None


@method_decorator(csrf_exempt, name="dispatch")
class NotificationView(View):
    """The Notification API endpoint: authenticate, parse, apply once, acknowledge.

    CSRF-exempt because it is a machine callback authenticated by HTTP Basic auth with the
    merchant credentials, checked in constant time before the body is parsed.
    """

    processor = None
    http_method_names = ["post"]

    def post(self, request):
        processor = self.processor
        body = request.body
        try:
            check_basic_auth(request.META.get("HTTP_AUTHORIZATION", ""), processor.merchant_id, processor.merchant_key)
        except Unauthenticated as exc:
            log_rejected(processor.name, "", body, str(exc), remote_addr=client_ip(request))
            response = HttpResponse(str(exc), status=401, content_type="text/plain; charset=utf-8")
            response["WWW-Authenticate"] = 'Basic realm="Google Checkout notifications"'
            return response
        kind = ""
        try:
            root = safe_xml.parse_xml(body, max_bytes=coleman_settings.PAYMENTS_MAX_MESSAGE_BYTES)
            kind = safe_xml.local_name(root)
            if kind not in NOTIFICATION_TYPES:
                raise MalformedMessage(f"Unknown notification <{kind}>.")
            serial = root.get("serial-number", "").strip()
            if not serial or len(serial) > 120:
                raise MalformedMessage("The notification has no usable serial-number.")
            order, google_number = processor.find_order(root, kind)
            parsed = safe_xml.to_dict(root)
            event, applied = apply_once(
                processor=processor.name,
                key=serial,
                kind=kind,
                body=body,
                parsed=parsed,
                order=order,
                apply=lambda event: processor.apply_notification(event, root, kind, order, google_number),
                remote_addr=client_ip(request),
            )
        except MessageRejected as exc:
            log_rejected(processor.name, kind, body, str(exc), remote_addr=client_ip(request), authenticated=True)
            return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
        return HttpResponse(acknowledgment(serial), content_type="application/xml; charset=utf-8")
