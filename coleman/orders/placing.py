"""Placing an order from a cart: prices checked, stock reserved, the order, its lines and its
first history row written in one transaction; and emptying the placed cart once it is paid.

Views and the payments app place orders only through :func:`make_order_from_cart`.
"""

from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from coleman.cart.cart import Cart
from coleman.cart.lines import Line, Lines
from coleman.cart.pricing import price_cart
from coleman.conf import coleman_settings
from coleman.core.addresses import validate_address
from coleman.offers.exceptions import VoucherError
from coleman.offers.services import redeem_voucher
from coleman.products.cache import catalog_changed_by_update
from coleman.products.models import Product, ProductVariant

from .exceptions import (
    CheckoutError,
    DuplicateCheckout,
    EmptyCart,
    InsufficientStock,
    InvalidShippingDetails,
    ProductUnavailable,
    VoucherRejected,
)
from .models import (
    Order,
    OrderAdjustment,
    OrderStatusChange,
    ProductInOrder,
    Status,
    generate_order_number,
)
from .shipping import get_shipping_calculator
from .signals import order_placed
from .tasks import queue_status_email


def _clean_shipping_details(email, shipping_address):
    """The address checked and normalised by the store's one address rule, or
    :class:`InvalidShippingDetails` saying what is wrong (addresses also come from gateways)."""
    if not email or "@" not in str(email):
        raise InvalidShippingDetails(_("An email address is needed for order updates."))
    if not isinstance(shipping_address, dict):
        raise InvalidShippingDetails(_("A shipping address is needed."))
    try:
        address = validate_address(shipping_address)
    except ValidationError as error:
        raise InvalidShippingDetails(_address_problem(error)) from None
    if len(str(email).strip()) > Order._meta.get_field("email").max_length:
        raise InvalidShippingDetails(_("Too long: %(fields)s.") % {"fields": "email"})
    return address


def _address_problem(error: ValidationError) -> str:
    """One sentence for the shopper out of :func:`validate_address`'s errors by field."""
    by_code: dict[str, list[str]] = {}
    others = []
    for field, errors in error.error_dict.items():
        for problem in errors:
            if problem.code in ("required", "max_length"):
                by_code.setdefault(problem.code, []).append(field)
            else:
                others.extend(problem.messages)
    sentences = []
    if "required" in by_code:
        sentences.append(_("The shipping address is missing: %(fields)s.") % {"fields": ", ".join(by_code["required"])})
    if "max_length" in by_code:
        sentences.append(_("Too long: %(fields)s.") % {"fields": ", ".join(by_code["max_length"])})
    return " ".join([*sentences, *others])


def _price_lines(cart) -> Lines:
    """The cart's products and quantities re-read from the database (inside the order's
    transaction), so the order and its shipping are priced on the same rows the order records."""
    items = list(cart)
    products = Product.objects.in_bulk([item.product.pk for item in items])
    variant_ids = [item.variant.pk for item in items if getattr(item, "variant", None) is not None]
    variants = ProductVariant.objects.in_bulk(variant_ids) if variant_ids else {}
    lines = []
    for item in items:
        product = products.get(item.product.pk)
        chosen = getattr(item, "variant", None)
        variant = variants.get(chosen.pk) if chosen is not None else None
        gone = chosen is not None and (
            variant is None or not variant.is_active or variant.product_id != item.product.pk
        )
        if product is None or not product.is_active or gone:
            name = getattr(item, "name", item.product.name)
            raise ProductUnavailable(
                _("%(product)s is no longer available; please review your cart.") % {"product": name}
            )
        if variant is not None:
            variant.product = product
        lines.append(Line(product=product, quantity=item.quantity, variant=variant))
    return Lines(lines)


def _reserve_stock(line):
    """Take ``line.quantity`` from tracked stock (the variant's, for a variant) in one conditional
    UPDATE; True if stock is tracked."""
    if line.buyable.stock is None:
        return False
    model = ProductVariant if line.variant is not None else Product
    taken = model.objects.filter(pk=line.buyable.pk, stock__gte=line.quantity).update(stock=F("stock") - line.quantity)
    if taken != 1:
        raise InsufficientStock(
            _("Sorry, there are not enough of %(product)s left in stock; please review your cart.")
            % {"product": line.name}
        )
    catalog_changed_by_update()  # the product page shows the stock
    return True


def _stock_key(line):
    """Which stock row a line takes from: ("product", id) or ("variant", id)."""
    return ("variant", line.variant.pk) if line.variant is not None else ("product", line.product.pk)


def _save_new_order(order):
    """Insert ``order``, drawing a new number on the (rare) collision with an existing one."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            return
        except IntegrityError:
            if order.checkout_token:
                existing = Order.objects.filter(checkout_token=order.checkout_token).first()
                if existing is not None:
                    raise DuplicateCheckout(_("This order was already placed."), order=existing) from None
            if not Order.objects.filter(number=order.number).exists():
                raise
            order.number = generate_order_number()
    raise IntegrityError("Could not draw a free order number.")


def make_order_from_cart(
    cart, *, user=None, email, shipping_address: dict, comments="", checkout_token=None, voucher_code=None
) -> Order:
    """Turn ``cart`` into a NEW order, in one transaction.

    ``cart`` is the shopper's session :class:`~coleman.cart.cart.Cart` (emptied once the order
    commits) or any :class:`~coleman.cart.lines.Lines` of products and quantities (a "Buy It
    Now" order, a gateway's cart), which is left as it is.

    Prices and weights are read from the database; tracked stock is taken with a
    conditional UPDATE per line, so two shoppers racing for the last unit cannot both get it.
    Any failure (empty cart, product gone, not enough stock, bad address) raises a
    :class:`~coleman.orders.exceptions.CheckoutError` and writes nothing. The "order placed"
    email and ``order_placed`` are sent once the transaction commits. A session cart is *not*
    emptied here: the order remembers its session (``cart_session_key``) and the cart is
    emptied when the order is paid (:func:`clear_placed_cart`), so a declined or cancelled
    payment leaves it as it was.

    ``checkout_token`` (a one-time token from the checkout form) makes a double-submitted
    "Place order" raise :class:`DuplicateCheckout` carrying the first order.
    """
    if cart.is_empty:
        raise EmptyCart(_("Your cart is empty."))
    address = _clean_shipping_details(email, shipping_address)
    if user is not None and not user.is_authenticated:
        user = None
    calculator = get_shipping_calculator()
    placing = {
        "cart": cart,
        "user": user,
        "email": email,
        "address": address,
        "comments": comments,
        "checkout_token": checkout_token,
        "voucher_code": voucher_code,
        "calculator": calculator,
    }
    if transaction.get_connection().in_atomic_block:
        # Inside the caller's transaction: a savepoint around the order's INSERT lets a taken
        # number be drawn again without failing the caller's transaction.
        return _place_order(**placing, savepoint=True)
    # A transaction of its own: no savepoint; on the (rare) taken number the whole placing is
    # tried again with another number; a used checkout token means the first order stands.
    for _attempt in range(5):
        try:
            return _place_order(**placing, savepoint=False)
        except IntegrityError as error:
            placed = Order.objects.filter(checkout_token=checkout_token).first() if checkout_token else None
            if placed is not None:
                raise DuplicateCheckout(_("This order was already placed."), order=placed) from None
            number = getattr(error, "order_number", None)
            if number is None or not Order.objects.filter(number=number).exists():
                raise
    raise IntegrityError("Could not draw a free order number.")


def _place_order(*, cart, user, email, address, comments, checkout_token, voucher_code, calculator, savepoint):
    """The transaction of :func:`make_order_from_cart`; ``savepoint``: guard the order's INSERT
    with one (and draw another number on a collision), else an IntegrityError leaves the
    transaction with the number tried in ``error.order_number``."""
    with transaction.atomic():
        # A checkout token used before makes the order's INSERT fail (the token is unique), and
        # DuplicateCheckout is raised then (by _save_new_order or make_order_from_cart); the
        # token is looked up first only when the cart cannot be priced (the first order may
        # have used the voucher or the product), so a double click still finds its order.
        try:
            priced = _price_lines(cart)
            code = getattr(cart, "voucher_code", "") if voucher_code is None else voucher_code
            breakdown = price_cart(
                priced, voucher_code=code, user=user, email=email, address=address, shipping_calculator=calculator
            )
            if breakdown.voucher_error:
                raise VoucherRejected(breakdown.voucher_error)
        except CheckoutError:
            existing = Order.objects.filter(checkout_token=checkout_token).first() if checkout_token else None
            if existing is not None:
                raise DuplicateCheckout(_("This order was already placed."), order=existing) from None
            raise
        order = Order(
            number=generate_order_number(),
            user=user,
            email=str(email).strip(),
            status_id=Status.NEW,
            currency=coleman_settings.CURRENCY,
            subtotal=breakdown.subtotal,
            shipping=breakdown.shipping,
            discount=breakdown.discount,
            tax=breakdown.tax,
            tax_included=breakdown.tax_included,
            shipping_tax=breakdown.shipping_tax,
            tax_rate=breakdown.tax_rate,
            tax_description=str(breakdown.tax_reason)[:200],
            voucher_code=breakdown.voucher.code if breakdown.voucher else "",
            total=breakdown.total,
            shipping_method=str(breakdown.shipping_reason)[:100],
            comments=comments or "",
            checkout_token=checkout_token or None,
            cart_session_key=(cart.session.session_key or "") if isinstance(cart, Cart) else "",
            **{f"ship_{field}": value for field, value in address.items()},
        )
        if savepoint:
            _save_new_order(order)
        else:
            try:
                order.save(force_insert=True)
            except IntegrityError as error:
                error.order_number = order.number
                raise
        if breakdown.voucher is not None:
            voucher_discount = sum((a.amount for a in breakdown.discounts if a.kind == "voucher"), 0)
            try:
                redeem_voucher(
                    breakdown.voucher,
                    user=user,
                    email=order.email,
                    order_number=order.number,
                    discount=voucher_discount,
                )
            except VoucherError as error:
                raise VoucherRejected(str(error)) from None
        OrderAdjustment.objects.bulk_create(
            OrderAdjustment(
                order=order, kind=a.kind, reason=str(a.reason)[:300], code=a.code[:40], amount=a.amount, tax=a.tax
            )
            for a in breakdown.discounts
        )
        # Lock product rows in one global order (by id) so two carts holding the same products
        # in a different order cannot deadlock each other.
        reserved = {_stock_key(line): _reserve_stock(line) for line in sorted(priced, key=_stock_key)}
        lines = []
        for line in breakdown.lines:
            lines.append(
                ProductInOrder(
                    order=order,
                    product=line.product,
                    variant=line.variant,
                    name=line.name,
                    sku=line.variant.sku if line.variant is not None else line.product.slug,
                    unit_price=line.unit_price,
                    list_price=line.list_price,
                    price_note=str(line.reason)[:300],
                    tax=line.tax,
                    quantity=line.quantity,
                    line_total=line.line_total,
                    weight=line.variant.shipping_weight if line.variant is not None else line.product.weight,
                    stock_reserved=reserved[_stock_key(line)],
                )
            )
        ProductInOrder.objects.bulk_create(lines)
        change = OrderStatusChange.objects.create(
            order=order,
            from_status=None,
            to_status_id=Status.NEW,
            changed_by=user,
            actor=user.get_username() if user else "guest",
            note="Order placed.",
        )

        def after_commit():
            queue_status_email(order, change)
            order_placed.send(sender=Order, order=order)

        transaction.on_commit(after_commit)
    return order


def clear_placed_cart(order, *, session_key=None) -> bool:
    """Empty the cart of the session that placed ``order`` (once it is paid); True if emptied.

    The payment is usually confirmed by the service's server, not in the shopper's request,
    so the session is loaded by the key the order kept. A session that is gone (or a
    session engine with nothing on the server) is left alone. ``session_key``: the key
    :func:`transition` already took off the order (in the same UPDATE that marked it paid).
    """
    key = session_key
    if key is None:
        key = order.cart_session_key
        if not key:
            return False
        Order.objects.filter(pk=order.pk).update(cart_session_key="")
        order.cart_session_key = ""
    if not key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    if not session.exists(key):
        return False
    return Cart.clear_session(session, user=order.user if order.user_id else None)


__all__ = ["clear_placed_cart", "make_order_from_cart"]
