"""Google Checkout's Buy It Now: an order that starts on a product page, not in the store's cart.

The product page posts an HTML API form (:func:`buy_it_now_fields`) straight to Google; the
store first hears of the order in Google's new-order notification, and makes it then
(:func:`order_from_buy_it_now`) from the products and quantities Google reports, as the
store's one line type (:class:`coleman.cart.lines.Lines`), priced from the database.
"""

from coleman.cart.lines import Line, Lines
from coleman.conf import coleman_settings
from coleman.orders.exceptions import CheckoutError, DuplicateCheckout
from coleman.orders.placing import make_order_from_cart
from coleman.orders.shipping import get_shipping_calculator
from coleman.products.models import Product

from ... import xml as safe_xml
from ...amounts import format_amount
from ...exceptions import MalformedMessage
from .shipping import FlatRateOption, quoted_options


def buy_it_now_fields(product, shipping_methods=None):
    """HTML API fields for buying one ``product`` straight from its page.

    Shipping is our own quote for that one product (so Google's total matches the order the
    store makes from Google's new-order notification, see :func:`order_from_buy_it_now`), or,
    with ``shipping_methods`` (``COLEMAN_GOOGLE_SHIPPING_METHODS``), every listed option side
    by side; a digital product is offered none of those.
    """
    lines = Lines([Line(product=product, quantity=1)])
    if shipping_methods is None:
        calculator = get_shipping_calculator()
        options = [FlatRateOption(str(calculator.name)[:100] or "Shipping", calculator.quote(lines))]
    else:
        options = [] if getattr(product, "is_digital", False) else quoted_options(lines, shipping_methods)
    fields = [
        ("item_name_1", product.name),
        ("item_description_1", (product.description or product.name)[:500]),
        ("item_quantity_1", "1"),
        ("item_price_1", format_amount(product.get_price())),
        ("item_currency_1", coleman_settings.CURRENCY),
        ("item_merchant_id_1", product.slug),
    ]
    for index, option in enumerate(options, start=1):
        fields += [
            (f"ship_method_name_{index}", option.name),
            (f"ship_method_price_{index}", format_amount(option.price)),
            (f"ship_method_currency_{index}", coleman_settings.CURRENCY),
        ]
    return [*fields, ("_charset_", "utf-8")]


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
    lines = Lines(Line(product=products[slug], quantity=quantity) for slug, quantity in wanted)
    try:
        return make_order_from_cart(
            lines,
            email=safe_xml.text(buyer, "email"),
            shipping_address=address,
            comments=f"Google Checkout Buy It Now, Google order {google_number}.",
            checkout_token=f"google:{google_number}",
        )
    except DuplicateCheckout as exc:
        return exc.order
    except CheckoutError as exc:
        raise MalformedMessage(f"Cannot make an order from Google order {google_number}: {exc}") from exc


__all__ = ["buy_it_now_fields", "order_from_buy_it_now"]
