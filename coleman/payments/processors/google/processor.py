"""The Google Checkout processor: the store's side of the hand-off and of the Order Processing API.

Google Checkout (XML API version 2): the shopper's browser posts the signed cart to Google's
checkout page; Google's notifications (``views.NotificationView``, applied by
``notifications.NotificationHandling``) move the order along; staff actions send Order
Processing commands (``client.OrderProcessingClient``). Buy It Now orders start on a product
page (``buy_it_now``).
"""

import secrets

from django.core import checks
from django.template.loader import render_to_string
from django.urls import path, reverse

from coleman.core.money import to_money

from ...amounts import format_amount
from ...digital_delivery import EMAIL, KEY_URL, METHODS, digital_content_for_order
from ...exceptions import GatewayError
from ...models import PaymentTransaction, TransactionKind, TransactionStatus
from ...services import record_checkout
from ..base import PaymentProcessor
from ..views import ProcessorReturnView
from .buy_it_now import buy_it_now_fields
from .client import OrderProcessingClient
from .notifications import NotificationHandling
from .protocol import (
    LIVE_API_BASE,
    add_tracking_data_document,
    archive_order_document,
    cancel_order_document,
    charge_order_document,
    deliver_order_document,
    encode_cart,
    refund_order_document,
)
from .shipping import carrier_shipping, flat_rate_options
from .views import NotificationView


class GoogleCheckout(NotificationHandling, PaymentProcessor):
    """Google Checkout: signed XML cart hand-off, Notification API, Order Processing API."""

    name = "google"
    verbose_name = "Google Checkout"
    settings_prefix = "GOOGLE_"
    handoff_template_name = "payments/google/handoff.html"
    default_settings = {
        # The merchant id (Basic-auth user name) and merchant key (HMAC key and Basic-auth
        # password) from Google's Merchant Center. Empty: set them (system check E104).
        "MERCHANT_ID": "",
        "MERCHANT_KEY": "",
        # Base of the Checkout API: the shopper's checkout page (<base>checkout/Merchant/<id>)
        # and the Order Processing API (<base>request/Merchant/<id>). Must end with "/".
        "API_BASE": LIVE_API_BASE,
        # "xml" posts the signed cart XML; "html" posts the HTML API form fields.
        "CART_API": "xml",
        # Show Google's "Buy It Now" button on product pages.
        "BUY_IT_NOW": False,
        # Carrier-calculated shipping: None, or {"ship_from": {"city", "region", "postal_code",
        # "country"}, "methods": [["UPS", "Ground"], ...], "default_price": "10.00",
        # "package": {"length": 12, "width": 9, "height": 4}, "handling": "2.00" (a fixed
        # charge added to the carrier's rate), "adjust_percent": "10" (the rate adjusted by
        # this percentage, may be negative)}. Alone it replaces our own shipping charge.
        "CARRIER_SHIPPING": None,
        # The flat-rate shipping options offered on Google's page, side by side (and beside
        # carrier-calculated shipping when both are set): None = our own shipping charge
        # (COLEMAN_SHIPPING_CALCULATOR), or a list of shipping calculators (dotted paths) and
        # fixed options {"name": "USPS Priority Mail", "price": "4.00"}.
        "SHIPPING_METHODS": None,
    }
    endpoint_settings = ("API_BASE",)

    # --- configuration --------------------------------------------------------------------

    @property
    def merchant_id(self):
        """The merchant id (also the Basic-auth user name)."""
        return str(self.setting("MERCHANT_ID"))

    @property
    def merchant_key(self):
        """The merchant key (HMAC key and Basic-auth password)."""
        return str(self.setting("MERCHANT_KEY"))

    def api_url(self, endpoint):
        """``<API base><endpoint>/Merchant/<merchant id>``."""
        return f"{self.setting('API_BASE')}{endpoint}/Merchant/{self.merchant_id}"

    def check(self):
        """Report missing credentials, a bad cart API or an API base without its final slash."""
        errors = []
        if not self.merchant_id or not self.merchant_key:
            errors.append(checks.Error("COLEMAN_GOOGLE_MERCHANT_ID and _KEY must be set.", id="coleman.E104"))
        if self.setting("CART_API") not in ("xml", "html"):
            errors.append(checks.Error('COLEMAN_GOOGLE_CART_API must be "xml" or "html".', id="coleman.E105"))
        if not str(self.setting("API_BASE")).endswith("/"):
            errors.append(checks.Error("COLEMAN_GOOGLE_API_BASE must end with '/'.", id="coleman.E107"))
        return errors

    def client(self):
        """An :class:`OrderProcessingClient` for this merchant (not idempotent: no re-sends)."""
        return OrderProcessingClient(
            self.http_session(),
            api_base=self.setting("API_BASE"),
            merchant_id=self.merchant_id,
            merchant_key=self.merchant_key,
        )

    # --- URLs -----------------------------------------------------------------------------

    def get_urls(self):
        """``/payments/google/notify/`` (Notification API) and the shopper's return page."""
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
        self.attach_digital_content(request, order, lines)
        return {
            "order": order,
            "lines": lines,
            "discounts": list(order.adjustments.all()) if order.discount else [],
            "tax_table": self.tax_table(order),
            **self.shipping_context(order, lines),
            "continue_url": self.absolute_url(request, "return", number=order.number),
            "edit_cart_url": request.build_absolute_uri(reverse("cart:detail")),
        }

    def attach_digital_content(self, request, order, lines):
        """Give each digital line its Digital Delivery content (``line.digital``), from the seam
        :mod:`coleman.payments.digital_delivery` that the digital app fills.

        Every method is shown OPTIMISTICally (on Google's confirmation page before the charge).
        Without a provider, a line falls back to e-mail delivery: the store sends instructions.
        """
        if not any(line.is_digital for line in lines):
            return
        contents = digital_content_for_order(order, request=request)
        for line in lines:
            if not line.is_digital:
                continue
            content = contents.get(line.pk)
            if content is None or content.method not in METHODS:
                line.digital = {"method": EMAIL, "description": "", "key": "", "url": ""}
                continue
            line.digital = {
                "method": content.method,
                "description": (content.description or "")[:1024],
                "key": content.key if content.method == KEY_URL else "",
                "url": content.url if content.method == KEY_URL else "",
            }

    def tax_table(self, order):
        """The tax rule Google works the order's tax out with (None when tax is not added).

        One rule for the order's state, the rate as a fraction; Google rounds per line half up
        (our rule), and discounts are taxed as negative lines.
        """
        if not (order.tax_added and order.tax_rate is not None and order.ship_country == "US"):
            return None
        return {
            "state": order.ship_state,
            "rate": f"{(order.tax_rate / 100).normalize():f}",
            "shipping_taxed": bool(order.shipping_tax),
        }

    def shipping_context(self, order, lines):
        """``carrier`` (carrier-calculated shipping, or None) and ``flat_rates`` (flat-rate options).

        Carrier shipping alone replaces our own charge; listed ``SHIPPING_METHODS`` are offered
        beside it. An order with nothing to ship offers neither (see :mod:`.shipping`).
        """
        carrier = carrier_shipping(lines, self.setting("CARRIER_SHIPPING"))
        methods = self.setting("SHIPPING_METHODS")
        flat_rates = [] if carrier and methods is None else flat_rate_options(order, lines, methods)
        return {"carrier": carrier, "flat_rates": flat_rates}

    def offered_flat_rates(self, order):
        """The flat-rate options the cart of ``order`` offers (what a new-order's choice must be one of)."""
        lines = list(order.lines.select_related("product").order_by("pk"))
        return self.shipping_context(order, lines)["flat_rates"]

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
                (f"item_price_{index}", format_amount(line.unit_price)),
                (f"item_currency_{index}", order.currency),
                (f"item_merchant_id_{index}", line.sku),
            ]
        for index, option in enumerate(self.offered_flat_rates(order), start=1):
            fields += [
                (f"ship_method_name_{index}", option.name),
                (f"ship_method_price_{index}", format_amount(option.price)),
                (f"ship_method_currency_{index}", order.currency),
            ]
        fields += [
            ("shopping-cart.merchant-private-data", order.number),
            ("continue_url", self.absolute_url(request, "return", number=order.number)),
            ("_charset_", "utf-8"),
        ]
        return fields

    def get_handoff_context(self, request, order):
        """The hand-off form: the signed cart (XML API) or the item fields (HTML API), posted to Google."""
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
        """HTML API fields for buying one ``product`` straight from its page (see :mod:`.buy_it_now`)."""
        return buy_it_now_fields(product, self.setting("SHIPPING_METHODS"))

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


__all__ = ["GoogleCheckout"]
