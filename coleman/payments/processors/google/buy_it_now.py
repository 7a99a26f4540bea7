"""Google Checkout's Buy It Now: an order that starts on a product page, not in the store's cart.

The product page posts an HTML API form (:func:`buy_it_now_fields`) straight to Google; the
store first hears of the order in Google's new-order notification, and makes it then
(:func:`order_from_buy_it_now`) from a :class:`ListedCart` priced from the database.
"""

from decimal import Decimal

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.exceptions import CheckoutError, DuplicateCheckout
from coleman.orders.services import make_order_from_cart
from coleman.orders.shipping import get_shipping_calculator
from coleman.products.models import Product

from ... import xml as safe_xml
from ...amounts import format_amount
from ...exceptions import MalformedMessage


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


def buy_it_now_fields(product):
    """HTML API fields for buying one ``product`` straight from its page.

    Shipping is our own quote for that one product, so Google's total matches the order
    the store makes from Google's new-order notification (see :func:`order_from_buy_it_now`).
    """
    calculator = get_shipping_calculator()
    shipping = calculator.quote(ListedCart([ListedItem(product, 1)]))
    return [
        ("item_name_1", product.name),
        ("item_description_1", (product.description or product.name)[:500]),
        ("item_quantity_1", "1"),
        ("item_price_1", format_amount(product.price)),
        ("item_currency_1", coleman_settings.CURRENCY),
        ("item_merchant_id_1", product.slug),
        ("ship_method_name_1", str(calculator.name)[:100] or "Shipping"),
        ("ship_method_price_1", format_amount(shipping)),
        ("ship_method_currency_1", coleman_settings.CURRENCY),
        ("_charset_", "utf-8"),
    ]


def order_from_buy_it_now(root, google_number):
    """Make the store order for a Google order that did not start in our cart (Buy It Now).

    Items are matched by ``merchant-item-id`` (our product slug), priced from the database;
    the buyer's email and shipping address come from the notification. The Google order
    number is the order's checkout token, so it can only ever make one order.
    """
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


__all__ = ["ListedCart", "ListedItem", "buy_it_now_fields", "order_from_buy_it_now"]
