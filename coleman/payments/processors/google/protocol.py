"""Google Checkout's protocol (XML API version 2) as pure functions: signatures, documents, parsers.

* Hand-off: the ``checkout-shopping-cart`` document signed with HMAC-SHA1 under the merchant
  key, both base64-encoded (:func:`encode_cart`) and posted by the shopper's browser to
  ``<API base>checkout/Merchant/<merchant id>``.
* Notification API: Google posts notifications with HTTP Basic auth ``merchant id:merchant
  key`` (:func:`check_basic_auth`); the store answers :func:`acknowledgment`.
* Order Processing API: command documents (:func:`charge_order_document`…) posted to
  ``<API base>request/Merchant/<merchant id>``, answered ``request-received`` or ``error``
  (:func:`parse_api_response`).

Nothing here touches the network or the database.
"""

import base64
import binascii
import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from lxml import etree
from lxml.builder import ElementMaker

from coleman.core.money import to_money

from ... import xml as safe_xml
from ...amounts import format_amount
from ...exceptions import GatewayRefused, GatewayResponseError, MalformedMessage, Unauthenticated

NAMESPACE = "http://checkout.google.com/schema/2"
#: The live service's API base (Google's own sandbox was https://sandbox.google.com/checkout/api/checkout/v2/).
LIVE_API_BASE = "https://checkout.google.com/api/checkout/v2/"
E = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})

#: Amounts must fit the store's money fields (12 digits, 2 of them decimals).
MAX_AMOUNT = Decimal("10000000000")
#: Order Processing API answers are small; anything larger is not one.
MAX_ANSWER_BYTES = 64 * 1024

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
    return E.amount(format_amount(value), currency=currency)


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


#: The carriers the Order Processing API names; any other carrier is sent as "Other".
CARRIERS = ("DHL", "FedEx", "UPS", "USPS", "Other")


def carrier_name(carrier):
    """``carrier`` as Google spells it (``fedex`` → ``FedEx``), or ``Other``."""
    wanted = (carrier or "").strip().casefold()
    return next((name for name in CARRIERS if name.casefold() == wanted), "Other")


def _tracking(carrier, tracking_number):
    return E("tracking-data", E.carrier(carrier_name(carrier)), E("tracking-number", tracking_number))


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
    """Read an Order Processing API answer: the serial number of a ``request-received``.

    An ``error`` document raises :class:`GatewayRefused` (with Google's message); anything
    else raises :class:`GatewayResponseError`.
    """
    try:
        root = safe_xml.parse_xml(body, max_bytes=MAX_ANSWER_BYTES)
    except MalformedMessage as exc:
        raise GatewayResponseError(f"Google sent an unreadable answer: {exc}") from exc
    kind = safe_xml.local_name(root)
    if kind == "request-received":
        return root.get("serial-number", "")
    if kind == "error":
        detail = safe_xml.text(root, "error-message") or "no reason given"
        raise GatewayRefused(f"Google refused the request: {detail}", detail=detail)
    raise GatewayResponseError(f"Google sent an unexpected <{kind}> answer.")


__all__ = [
    "LIVE_API_BASE",
    "NAMESPACE",
    "NOTIFICATION_TYPES",
    "acknowledgment",
    "add_tracking_data_document",
    "archive_order_document",
    "basic_auth_header",
    "cancel_order_document",
    "carrier_name",
    "charge_order_document",
    "check_basic_auth",
    "deliver_order_document",
    "encode_cart",
    "parse_amount",
    "parse_api_response",
    "refund_order_document",
    "sign_cart",
    "verify_cart",
]
