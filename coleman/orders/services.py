"""Business operations on orders: placing an order from a cart, and moving it along the pipeline.

Views, admin actions, management commands and the payments app all go through these
functions; nothing else writes an order's status.
"""

import logging
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mail_managers
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from coleman.cart.cart import Cart
from coleman.cart.lines import Line, Lines
from coleman.cart.pricing import price_cart
from coleman.conf import coleman_settings
from coleman.core.addresses import validate_address
from coleman.core.mail import render_email, send_templated_mail
from coleman.offers.exceptions import VoucherError
from coleman.offers.services import redeem_voucher
from coleman.products.cache import catalog_changed_by_update
from coleman.products.models import Product, ProductVariant
from coleman.products.signals import stock_released

from .exceptions import (
    CheckoutError,
    DuplicateCheckout,
    EmptyCart,
    IllegalTransition,
    InsufficientStock,
    InvalidShippingDetails,
    ProductUnavailable,
    VoucherRejected,
)
from .models import (
    Order,
    OrderAdjustment,
    OrderFeedback,
    OrderStatusChange,
    ProductInOrder,
    Status,
    StatusCode,
    generate_order_number,
)
from .shipping import get_shipping_calculator
from .signals import order_placed, order_status_changed
from .statuses import CUSTOMER_EMAIL_STATUSES, RELEASES_STOCK, TRANSITIONS
from .tasks import send_status_email

logger = logging.getLogger("coleman.orders")


# --- placing orders ---------------------------------------------------------------------


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
            _send_status_email(order, change)
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


# --- the pipeline -------------------------------------------------------------------------


def allowed_transitions(order) -> list[str]:
    """Short names of the statuses ``order`` may move to next, in pipeline order."""
    return list(TRANSITIONS.get(order.status_id, ()))


def _status_short_name(to_status):
    if isinstance(to_status, StatusCode):
        return to_status.short_name
    return str(to_status)


def _actor(by):
    if by is None:
        return None, "system"
    if isinstance(by, str):
        return None, by[:150]
    return by, by.get_username()


def release_stock(order) -> int:
    """Put the stock reserved by ``order``'s lines back; returns the units released.

    Each line is released at most once (its ``stock_reserved`` flag is cleared). Products whose
    own tracked stock went up are announced with ``products.signals.stock_released`` (the bulk
    UPDATE sends no ``post_save``), so shoppers waiting for them hear of it.
    """
    released = 0
    restocked_products = []
    # Rows are updated in id order, like make_order_from_cart, to avoid deadlocks.
    reserved = order.lines.filter(stock_reserved=True)
    for line in reserved.filter(variant__isnull=False).order_by("variant_id"):
        ProductVariant.objects.filter(pk=line.variant_id, stock__isnull=False).update(stock=F("stock") + line.quantity)
        released += line.quantity
    for line in reserved.filter(variant__isnull=True, product__isnull=False).order_by("product_id"):
        if Product.objects.filter(pk=line.product_id, stock__isnull=False).update(stock=F("stock") + line.quantity):
            restocked_products.append(line.product_id)
        released += line.quantity
    if released:
        catalog_changed_by_update()
    if restocked_products:
        stock_released.send(sender=Product, product_ids=restocked_products)
    order.lines.filter(stock_reserved=True).update(stock_reserved=False)
    return released


def transition(order, to_status, *, by=None, note="", tracking_number=None, locked=False) -> Order:
    """Move ``order`` to ``to_status`` (a short name such as "PAID" or a ``StatusCode``).

    The only place an order's status changes. Raises :class:`IllegalTransition` unless the
    move is in :data:`TRANSITIONS`. Records the change in the history (``by`` is the user or a
    label such as "payments: google" for who made it), stores ``tracking_number`` when given,
    releases reserved stock on cancellation, and after commit emails the customer (every
    status in :data:`CUSTOMER_EMAIL_STATUSES`) and sends ``order_status_changed``. Returns
    ``order``, updated.

    The order row is read again under ``select_for_update`` in the transaction, unless the
    caller passes ``locked=True``: it already holds ``order`` read that way in the current
    transaction (a payment notification reads its order once), so its status is current and
    the move is written inside the caller's transaction without a savepoint.
    """
    target = _status_short_name(to_status)
    user, actor = _actor(by)
    if locked:
        if not transaction.get_connection().in_atomic_block:
            raise transaction.TransactionManagementError("transition(locked=True) needs the caller's transaction.")
        _check_transition(order, order.status_id, target)
        with transaction.atomic(savepoint=False):
            return _write_transition(order, order, target, user, actor, note, tracking_number)
    with transaction.atomic():
        locked_order = Order.objects.select_for_update().get(pk=order.pk)
        _check_transition(locked_order, locked_order.status_id, target)
        return _write_transition(order, locked_order, target, user, actor, note, tracking_number)


def _check_transition(order, current, target):
    if target not in TRANSITIONS.get(current, ()):
        raise IllegalTransition(
            _("Order %(number)s cannot move from %(current)s to %(target)s.")
            % {"number": order.number, "current": Status.label_for(current), "target": Status.label_for(target)}
        )


def _write_transition(order, locked, target, user, actor, note, tracking_number):
    """The writes of :func:`transition` on the ``locked`` row (in the caller's transaction)."""
    current = locked.status_id
    locked.status_id = target
    fields = ["status", "updated_at"]
    if tracking_number is not None:
        locked.tracking_number = str(tracking_number).strip()[:100]
        fields.append("tracking_number")
    if target == Status.PAID and locked.cart_session_key:
        # The paid order's session cart is emptied after commit; the key is not needed again.
        cart_session_key, locked.cart_session_key = locked.cart_session_key, ""
        fields.append("cart_session_key")
    else:
        cart_session_key = ""
    locked.save(update_fields=fields)
    if target in RELEASES_STOCK:
        release_stock(locked)
    change = OrderStatusChange.objects.create(
        order=locked, from_status_id=current, to_status_id=target, changed_by=user, actor=actor, note=note
    )

    def after_commit():
        if cart_session_key:
            clear_placed_cart(locked, session_key=cart_session_key)
        _send_status_email(locked, change)
        order_status_changed.send(sender=Order, order=locked, from_status=current, to_status=target, change=change)

    transaction.on_commit(after_commit)
    if order is not locked:
        order.status_id = locked.status_id
        order.tracking_number = locked.tracking_number
        order.updated_at = locked.updated_at
        order.cart_session_key = locked.cart_session_key
    order._state.fields_cache.pop("status", None)
    return order


# --- feedback -----------------------------------------------------------------------------


def add_feedback(order, body, *, author=None, staff_reply=False):
    """Add a message to ``order``'s feedback thread.

    A staff reply is emailed to the customer; a customer's message is emailed to the site's
    ``MANAGERS`` so someone answers it.
    """
    message = OrderFeedback.objects.create(
        order=order,
        author=author if author is not None and author.is_authenticated else None,
        is_staff_reply=staff_reply,
        body=body,
    )
    if staff_reply:
        transaction.on_commit(lambda: _send_feedback_reply_email(order, message))
    else:
        transaction.on_commit(lambda: _notify_managers_of_feedback(order, message))
    return message


def _notify_managers_of_feedback(order, message):
    try:
        subject, text, html = render_email(
            subject_template="orders/email/feedback_staff_subject.txt",
            body_template="orders/email/feedback_staff_body.txt",
            context={"order": order, "message": message},
        )
        mail_managers(subject, text, html_message=html)
    except Exception:  # an email failure must not lose the customer's message
        logger.exception("Could not tell the managers about feedback on order %s", order.number)


def _send_feedback_reply_email(order, message):
    try:
        send_templated_mail(
            to=order.email,
            subject_template="orders/email/feedback_reply_subject.txt",
            body_template="orders/email/feedback_reply_body.txt",
            context={"order": order, "message": message},
        )
    except Exception:  # an email failure must not undo the reply
        logger.exception("Could not send the feedback reply email for order %s", order.number)


# --- abandoned orders -------------------------------------------------------------------


def delete_abandoned_orders(days, *, dry_run=False) -> list[dict]:
    """Delete NEW orders placed more than ``days`` days ago, releasing their stock.

    Returns one ``{"number", "placed_at", "email", "units"}`` dict per order (deleted, or that
    would be deleted with ``dry_run``). Each order is handled in its own transaction and
    re-checked under a row lock, so an order paid meanwhile is left alone.
    """
    report = []
    for order_id in Order.objects.abandoned(days).order_by("placed_at").values_list("pk", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).abandoned(days).first()
            if order is None:
                continue
            reserved = sum(line.quantity for line in order.lines.all() if line.stock_reserved)
            if not dry_run:
                release_stock(order)
                order.delete()
            report.append(
                {
                    "number": order.number,
                    "placed_at": order.placed_at,
                    "email": order.email,
                    "units": reserved,
                }
            )
    return report


# --- email --------------------------------------------------------------------------------


def _send_status_email(order, change):
    """Queue the customer's email about ``change`` (:func:`coleman.orders.tasks.send_status_email`,
    rendered and sent by the task, in this request's language); a failure to queue it is
    logged, never raised (the order stands)."""
    if change.to_status_id not in CUSTOMER_EMAIL_STATUSES:
        return
    try:
        send_status_email.enqueue(order_id=order.pk, change_id=change.pk, language=translation.get_language() or "")
    except Exception:  # an email failure must not undo a committed order
        logger.exception("Could not send the %s email for order %s", change.to_status_id, order.number)


__all__ = [
    "TRANSITIONS",
    "add_feedback",
    "allowed_transitions",
    "clear_placed_cart",
    "delete_abandoned_orders",
    "make_order_from_cart",
    "release_stock",
    "transition",
]
