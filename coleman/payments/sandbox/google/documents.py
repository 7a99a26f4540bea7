"""The documents the Google Checkout sandbox reads and writes, built here independently of the
store's processor code: carts it receives, notifications it sends, Order Processing answers,
and its own HMAC-SHA1 and HTTP Basic lines (a signing bug in the store cannot hide behind the
same bug here).
"""

import base64
import hashlib
import hmac
import secrets
from decimal import Decimal, InvalidOperation
from itertools import count
from urllib.parse import urlsplit

from django.utils import timezone
from lxml import etree
from lxml.builder import ElementMaker

from coleman.core.money import to_money
from coleman.payments import xml as safe_xml
from coleman.payments.exceptions import MalformedMessage

from ..conf import sandbox_settings

NAMESPACE = "http://checkout.google.com/schema/2"
E = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})
# Google's amounts fit twelve digits with two decimals.
MAX_AMOUNT = Decimal("10000000000")
_serials = count(1)


def cart_signature(cart_xml: bytes, merchant_key: str) -> bytes:
    """HMAC-SHA1 of the cart under the merchant key, as Google computed it to check the hand-off."""
    return hmac.new(merchant_key.encode("utf-8"), cart_xml, hashlib.sha1).digest()


def basic_authorization(merchant_id: str, merchant_key: str) -> str:
    """The HTTP Basic ``Authorization`` value for ``merchant_id:merchant_key``."""
    return "Basic " + base64.b64encode(f"{merchant_id}:{merchant_key}".encode()).decode("ascii")


class SandboxError(Exception):
    """A request the real service would refuse; ``status`` is the HTTP status of the answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def parse_money(text, what, *, negative=False):
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, TypeError):
        raise SandboxError(f"{what} is not an amount.") from None
    if not value.is_finite() or (value < 0 and not negative) or abs(value) >= MAX_AMOUNT:
        raise SandboxError(f"{what} is not an amount.")
    return to_money(value)


# --- carts -----------------------------------------------------------------------------


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
                "description": safe_xml.text(item, "item-description"),
                "quantity": quantity,
                # A negative unit price is a discount line, as Google's API allows.
                "price": str(parse_money(price_el.text, "unit-price", negative=True)),
                "merchant_item_id": safe_xml.text(item, "merchant-item-id"),
                "digital": read_digital_content(safe_xml.find(item, "digital-content")),
            }
        )
    options = shipping_options(root)
    flow = "checkout-flow-support/merchant-checkout-flow-support/"
    tax = {}
    rule = safe_xml.find(root, flow + "tax-tables/default-tax-table/tax-rules/default-tax-rule")
    if rule is not None:
        try:
            tax = {
                "rate": str(Decimal(safe_xml.required_text(rule, "rate"))),
                "state": safe_xml.text(rule, "tax-area/us-state-area/state"),
                "shipping_taxed": safe_xml.text(rule, "shipping-taxed") == "true",
            }
        except (MalformedMessage, InvalidOperation) as exc:
            raise SandboxError(f"The tax rule is incomplete: {exc}") from exc
    private = safe_xml.find(root, "shopping-cart/merchant-private-data")
    return {
        "lines": lines,
        "currency": currency,
        "shipping_options": options,
        **choose_shipping({"shipping_options": options}, 0),
        "tax": tax,
        "private_data": etree.tostring(private).decode() if private is not None else "",
        # Google's new-order notification echoes the cart's <shopping-cart> as the merchant sent it.
        "shopping_cart_xml": etree.tostring(safe_xml.find(root, "shopping-cart")).decode(),
        "continue_url": safe_xml.text(root, flow + "continue-shopping-url"),
        "edit_cart_url": safe_xml.text(root, flow + "edit-cart-url"),
    }


def read_digital_content(element):
    """An item's Digital Delivery (``digital-content``) as Google kept it, or None.

    ``{"disposition", "email", "key", "url", "description"}``: OPTIMISTIC content is shown on
    the confirmation page at once, PESSIMISTIC content once the order is charged.
    """
    if element is None:
        return None
    url = safe_xml.text(element, "url")
    if urlsplit(url).scheme not in ("http", "https"):
        url = ""  # Google linked web addresses only (never javascript: and the like)
    return {
        "disposition": safe_xml.text(element, "display-disposition") or "OPTIMISTIC",
        "email": safe_xml.text(element, "email-delivery").lower() == "true",
        "key": safe_xml.text(element, "key"),
        "url": url,
        "description": safe_xml.text(element, "description"),
    }


def carrier_rate(option):
    """What the sandbox charges for a carrier-calculated option.

    It asks no carrier: the option's default ``price`` stands for the carrier's rate, which
    Google then adjusted by ``additional-variable-charge-percent`` and to which it added the
    handling charge ``additional-fixed-charge``.
    """
    rate = parse_money(safe_xml.text(option, "price"), "price")
    percent = safe_xml.text(option, "additional-variable-charge-percent")
    if percent:
        try:
            rate = rate * (Decimal("100") + Decimal(percent)) / Decimal("100")
        except InvalidOperation:
            raise SandboxError("additional-variable-charge-percent is not a number.") from None
    fixed = safe_xml.text(option, "additional-fixed-charge")
    if fixed:
        rate += parse_money(fixed, "additional-fixed-charge")
    return to_money(max(rate, Decimal("0")))


def shipping_options(root):
    """Every shipping method a cart offers, as the buyer chooses among them on Google's page.

    ``[{"name", "price", "carrier"}, …]``: carrier-calculated options (named "company type")
    first, then the flat-rate ones; empty when the cart offers none (nothing ships).
    """
    methods = safe_xml.find(root, "checkout-flow-support/merchant-checkout-flow-support/shipping-methods")
    if methods is None:
        return []
    options = []
    for carrier in safe_xml.find_all(
        methods, "carrier-calculated-shipping/carrier-calculated-shipping-options/carrier-calculated-shipping-option"
    ):
        name = f"{safe_xml.text(carrier, 'shipping-company')} {safe_xml.text(carrier, 'shipping-type')}"
        options.append({"name": name, "price": str(carrier_rate(carrier)), "carrier": True})
    for flat in safe_xml.find_all(methods, "flat-rate-shipping"):
        price = parse_money(safe_xml.text(flat, "price"), "price")
        options.append({"name": flat.get("name", "Shipping"), "price": str(price), "carrier": False})
    return options


def choose_shipping(cart, index):
    """The cart's shipping fields for the buyer's choice ``index`` of its options (none: free)."""
    options = cart.get("shipping_options") or []
    if not options:
        return {"shipping_name": "", "shipping": "0.00", "carrier": False}
    if not 0 <= index < len(options):
        raise SandboxError("Choose one of the shipping methods offered.")
    option = options[index]
    return {"shipping_name": option["name"], "shipping": option["price"], "carrier": option["carrier"]}


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
                "description": post.get(f"item_description_{index}", "")[:1000],
                "quantity": quantity,
                "price": str(parse_money(post.get(f"item_price_{index}", ""), f"item_price_{index}")),
                "merchant_item_id": post.get(f"item_merchant_id_{index}", "")[:100],
            }
        )
        index += 1
    if not lines:
        raise SandboxError("The form has no items.")
    private = post.get("shopping-cart.merchant-private-data", "")
    private_xml = etree.tostring(E("merchant-private-data", private)).decode() if private else ""
    options, index = [], 1
    while f"ship_method_name_{index}" in post and index <= 20:
        price = parse_money(post.get(f"ship_method_price_{index}", "0") or "0", f"ship_method_price_{index}")
        options.append({"name": post[f"ship_method_name_{index}"][:255], "price": str(price), "carrier": False})
        index += 1
    return {
        "lines": lines,
        "currency": post.get("item_currency_1", "USD"),
        "shipping_options": options,
        **choose_shipping({"shipping_options": options}, 0),
        "private_data": private_xml,
        "continue_url": post.get("continue_url", ""),
        "edit_cart_url": "",
    }


def cart_tax(cart):
    """The tax Google adds: the default rule's rate when the buyer ships to its state, rounded
    half up per line (discount lines give negative tax), shipping taxed if the rule says so."""
    tax = cart.get("tax") or {}
    if not tax or tax.get("state") != sandbox_settings.GOOGLE_BUYER.get("state"):
        return Decimal("0.00")
    rate = Decimal(tax["rate"])
    amounts = [Decimal(line["price"]) * line["quantity"] for line in cart["lines"]]
    if tax.get("shipping_taxed"):
        amounts.append(Decimal(cart["shipping"]))
    return to_money(sum((to_money(amount * rate) for amount in amounts), Decimal("0")))


def cart_total(cart):
    """Items plus shipping plus tax, as Google would charge."""
    items = sum((Decimal(line["price"]) * line["quantity"] for line in cart["lines"]), Decimal("0"))
    return to_money(items + Decimal(cart["shipping"]) + cart_tax(cart))


# --- notifications --------------------------------------------------------------------------


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


def _shopping_cart_element(cart):
    """The ``shopping-cart`` a new-order echoes: the XML cart's own, or one built from an HTML form."""
    if cart.get("shopping_cart_xml"):
        return etree.fromstring(cart["shopping_cart_xml"], parser=safe_xml.safe_parser())
    items = [
        E.item(
            E("item-name", line["name"]),
            E("item-description", line.get("description", "")),
            _money_el("unit-price", line["price"], cart["currency"]),
            E.quantity(str(line["quantity"])),
            E("merchant-item-id", line.get("merchant_item_id", "")),
        )
        for line in cart["lines"]
    ]
    shopping_cart = E("shopping-cart", E.items(*items))
    if cart["private_data"]:
        shopping_cart.insert(0, etree.fromstring(cart["private_data"], parser=safe_xml.safe_parser()))
    return shopping_cart


def new_order_document(sandbox_order):
    """The ``new-order-notification`` for a sandbox order: buyer, echoed cart, adjustment, total."""
    cart = sandbox_order["cart"]
    shopping_cart = _shopping_cart_element(cart)
    adjustment = E("order-adjustment")
    if cart.get("shipping_name"):
        tag = "carrier-calculated-shipping-adjustment" if cart["carrier"] else "flat-rate-shipping-adjustment"
        adjustment.append(
            E.shipping(
                E(
                    tag,
                    E("shipping-name", cart["shipping_name"]),
                    _money_el("shipping-cost", cart["shipping"], cart["currency"]),
                )
            )
        )
    adjustment.append(_money_el("total-tax", cart_tax(cart), cart["currency"]))
    return _doc(
        "new-order-notification",
        sandbox_order,
        E("buyer-id", "1"),
        buyer_address_element(),
        buyer_address_element("buyer-billing-address"),
        E("buyer-marketing-preferences", E("email-allowed", "false")),
        shopping_cart,
        adjustment,
        _money_el("order-total", sandbox_order["total"], cart["currency"]),
        E("fulfillment-order-state", "NEW"),
        E("financial-order-state", "REVIEWING"),
    )


def buyer_address_element(tag="buyer-shipping-address"):
    """The sandbox buyer's address under ``tag`` (shipping, billing), as Google sent the buyer's stored one."""
    buyer = sandbox_settings.GOOGLE_BUYER
    return E(
        tag,
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
            buyer_address_element("billing-address"),
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


# --- Order Processing API answers ------------------------------------------------------------


def error_document(message):
    """The ``error`` answer of the Order Processing API."""
    root = E.error(E("error-message", message), {"serial-number": secrets.token_hex(8)})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def received_document():
    """The ``request-received`` answer."""
    root = E("request-received", {"serial-number": secrets.token_hex(8)})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
