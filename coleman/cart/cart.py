"""The session cart.

The book pickled a ``Cart`` object into the session. This cart keeps only plain JSON there:
``{"next_id": 3, "items": [{"id": "1", "product": 12, "quantity": 2}, ...]}``. Products, and
therefore prices, are read from the database in one query the first time the lines are
needed, so a price shown or charged is always the current catalog price.

Data read back from the session is never trusted: malformed entries are dropped, products
that were deleted or discontinued leave the cart with a message, and quantities above the
store's maximum or the tracked stock are lowered, with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.products.cache import cached_fragment
from coleman.products.models import Product

from .exceptions import CartError, CartFull, InvalidQuantities, InvalidQuantity, OutOfStock, UnknownItem
from .lines import Line, Lines

SESSION_KEY = "coleman_cart"
_REQUEST_CACHE_ATTR = "_coleman_cart"
_DIGITS = re.compile(r"[0-9]{1,9}")


def max_quantity() -> int:
    """The most units of one product a cart line may hold (``COLEMAN_CART_MAX_QUANTITY``)."""
    return coleman_settings.CART_MAX_QUANTITY


def parse_quantity(value, *, allow_zero: bool = False) -> int:
    """Return ``value`` as a whole number of units, or raise :class:`InvalidQuantity`.

    Accepts ints and strings of digits ("3", " 3 "); refuses booleans, floats, signs,
    decimals, exponents, and anything below 1 (0 too unless ``allow_zero``) or above the
    store's maximum.
    """
    limit = max_quantity()
    if isinstance(value, bool):
        raise InvalidQuantity(_("Please enter a whole number of items."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, str) and value.strip().startswith("-") and _DIGITS.fullmatch(value.strip()[1:]):
        raise InvalidQuantity(_("The quantity cannot be negative."))
    else:
        raise InvalidQuantity(_("Please enter a whole number of items."))
    if number < 0:
        raise InvalidQuantity(_("The quantity cannot be negative."))
    if number == 0 and not allow_zero:
        raise InvalidQuantity(_("The quantity must be at least 1."))
    if number > limit:
        raise InvalidQuantity(_("You can buy at most %(limit)s of one product.") % {"limit": limit})
    return number


def check_stock(product, quantity: int) -> None:
    """Raise :class:`OutOfStock` when ``quantity`` units of ``product`` pass its tracked stock.

    The one stock rule of the cart: adding, setting and updating quantities all use it.
    """
    if product.stock is not None and quantity > product.stock:
        if product.stock == 0:
            raise OutOfStock(_("%(product)s is sold out.") % {"product": product.name})
        raise OutOfStock(
            _("Only %(stock)s of %(product)s left in stock.") % {"stock": product.stock, "product": product.name}
        )


@dataclass(frozen=True)
class CartSummary:
    """What the header shows of a cart: units and subtotal."""

    count: int
    subtotal: Decimal


@dataclass
class CartItem(Line):
    """A :class:`~coleman.cart.lines.Line` of the session cart, with its own ``item_id``."""

    item_id: str = ""
    entered: str | None = None  # what the shopper typed, when a form is shown again with errors


class Cart:
    """A shopper's cart, kept in ``request.session`` as JSON.

    Iterate it for :class:`CartItem` lines (in the order they were added). Each line has its
    own ``item_id`` (the book's unique item ids), which the remove and update views use.
    :attr:`lines` are the same lines as :class:`~coleman.cart.lines.Lines`, whose totals
    (``count``, ``subtotal``, ``total_weight``, ``is_empty``) the cart repeats for templates.
    Use :meth:`from_request` in views and templates so one request reads the products once.
    """

    def __init__(self, request):
        self.request = request
        self.session = request.session
        self._next_id, self._entries, repaired = self._read_session()
        self._items: list[CartItem] | None = None
        self._summary: CartSummary | None = None  # read from the cache before the lines are loaded
        if repaired:
            self._save()

    @classmethod
    def from_request(cls, request) -> Cart:
        """The cart of ``request``, created once per request and then reused."""
        cart = getattr(request, _REQUEST_CACHE_ATTR, None)
        if cart is None:
            cart = cls(request)
            setattr(request, _REQUEST_CACHE_ATTR, cart)
        return cart

    # --- reading ----------------------------------------------------------------------

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __bool__(self):
        return True  # a cart object is always "there", even when empty

    @property
    def items(self) -> list[CartItem]:
        """The lines, with their products loaded (one query, made on first use)."""
        if self._items is None:
            self._items = self._load_items()
        return self._items

    @property
    def lines(self) -> Lines:
        """The lines with their totals, for order placing and shipping quotes."""
        return Lines(self.items)

    @property
    def is_empty(self) -> bool:
        """True when the cart holds no lines."""
        return self.lines.is_empty

    @property
    def count(self) -> int:
        """Units in the cart (the sum of the quantities)."""
        return self.summary.count

    @property
    def subtotal(self) -> Decimal:
        """Sum of the line totals, from current database prices, in the store's currency."""
        return self.summary.subtotal

    @property
    def lines_key(self) -> tuple:
        """The cart's lines as the session holds them (item id, product id, quantity): what
        cached renderings of the cart are keyed by, with the catalog version."""
        if self._items is not None:
            return tuple((item.item_id, item.product.pk, item.quantity) for item in self._items)
        return tuple(self._entries)

    @property
    def summary(self) -> CartSummary:
        """Units and subtotal, read without a query when possible.

        Once the lines are loaded they are counted. Before that the summary comes from the
        cache, under the session's lines and the catalog version: any change to a product
        (price, stock, availability) gives a new version, and a change to the cart new lines,
        so the header of every page shows the current figures without reading the products
        on each request. Building it loads the lines (one query), which also drops or trims
        lines that no longer fit, as on the cart page.
        """
        if self._items is None and self._entries:
            if self._summary is None:
                self._summary = cached_fragment(("cart-summary", self.lines_key), self._counted_summary)
            return self._summary
        return self._counted_summary()

    def _counted_summary(self) -> CartSummary:
        lines = self.lines
        return CartSummary(count=lines.count, subtotal=lines.subtotal)

    @property
    def total_weight(self) -> Decimal:
        """Shipping weight of everything in the cart, in pounds; products without a weight count 0."""
        return self.lines.total_weight

    def get_item(self, item_id) -> CartItem:
        """The line with ``item_id``, or :class:`UnknownItem`."""
        item_id = str(item_id)
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise UnknownItem(_("That item is not in your cart."))

    # --- changing ---------------------------------------------------------------------

    def add(self, product, quantity=1) -> CartItem:
        """Add ``quantity`` units of ``product``; a product already in the cart gets more units.

        Raises :class:`InvalidQuantity` for a bad quantity or one that would pass the
        maximum, :class:`OutOfStock` when the product is discontinued or the tracked stock
        is too low, :class:`CartFull` for a new line beyond ``COLEMAN_CART_MAX_LINES``.
        """
        quantity = parse_quantity(quantity)
        if not product.is_active:
            raise OutOfStock(_("%(product)s is no longer available.") % {"product": product.name})
        existing = next((item for item in self.items if item.product.pk == product.pk), None)
        wanted = quantity + (existing.quantity if existing else 0)
        if wanted > max_quantity():
            raise InvalidQuantity(
                _("You can buy at most %(limit)s of %(product)s.") % {"limit": max_quantity(), "product": product.name}
            )
        check_stock(product, wanted)
        if existing:
            existing.quantity = wanted
            existing.product = product
            item = existing
        else:
            if len(self.items) >= coleman_settings.CART_MAX_LINES:
                raise CartFull(
                    _("Your cart is full: it holds at most %(limit)s products.")
                    % {"limit": coleman_settings.CART_MAX_LINES}
                )
            item = CartItem(item_id=str(self._next_id), product=product, quantity=quantity)
            self._next_id += 1
            self.items.append(item)
        self._save()
        return item

    def remove(self, item_id) -> None:
        """Remove the line ``item_id``; :class:`UnknownItem` if there is none."""
        item = self.get_item(item_id)
        self._items.remove(item)
        self._save()

    def set_quantity(self, item_id, quantity) -> None:
        """Set the line ``item_id`` to ``quantity`` units (0 removes the line)."""
        item = self.get_item(item_id)
        self._apply({item.item_id: self._checked_quantity(item.product, quantity)})

    def update_quantities(self, wanted) -> list[str]:
        """Set several lines at once from ``{item_id: quantity}`` (0 removes a line).

        Every quantity is checked first: if one is bad, nothing changes and
        :class:`InvalidQuantities` carries each bad line's message by item id (and each line
        keeps what was typed in ``entered``, to show it again). Item ids that name no line of
        the cart are skipped and returned.
        """
        lines = {item.item_id: item for item in self.items}
        unknown = [str(item_id) for item_id in wanted if str(item_id) not in lines]
        quantities, errors = {}, {}
        for item_id, raw in wanted.items():
            item = lines.get(str(item_id))
            if item is None:
                continue
            item.entered = str(raw)[:20]
            try:
                quantities[item.item_id] = self._checked_quantity(item.product, raw)
            except CartError as error:
                errors[item.item_id] = str(error)
        if errors:
            raise InvalidQuantities(errors)
        self._apply(quantities)
        return unknown

    def clear(self) -> None:
        """Empty the cart."""
        self._items = []
        self._save()

    # --- internals --------------------------------------------------------------------

    @staticmethod
    def _checked_quantity(product, raw) -> int:
        """``raw`` as a quantity for a line of ``product`` (0 removes it), or a :class:`CartError`."""
        quantity = parse_quantity(raw, allow_zero=True)
        if quantity:
            check_stock(product, quantity)
        return quantity

    def _apply(self, quantities) -> None:
        """Set checked ``{item_id: quantity}`` on the lines (0 removes the line) and save."""
        if not quantities:
            return
        for item in list(self.items):
            if item.item_id in quantities:
                if quantities[item.item_id] == 0:
                    self._items.remove(item)
                else:
                    item.quantity = quantities[item.item_id]
        self._save()

    def _read_session(self):
        """Validated ``(next_id, entries, repaired)`` from the session; bad data is dropped."""
        raw = self.session.get(SESSION_KEY)
        if raw is None:
            return 1, [], False
        if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
            return 1, [], True
        entries, seen_ids, seen_products, repaired = [], set(), set(), False
        limit = max_quantity()
        for entry in raw["items"]:
            try:
                item_id, product_id, quantity = entry["id"], entry["product"], entry["quantity"]
            except (TypeError, KeyError):
                repaired = True
                continue
            valid = (
                isinstance(item_id, str)
                and _DIGITS.fullmatch(item_id)
                and type(product_id) is int
                and 0 < product_id < 2**63
                and type(quantity) is int
                and 1 <= quantity
                and item_id not in seen_ids
                and product_id not in seen_products
            )
            if not valid:
                repaired = True
                continue
            if quantity > limit:
                quantity, repaired = limit, True
            if len(entries) >= coleman_settings.CART_MAX_LINES:
                repaired = True
                break
            seen_ids.add(item_id)
            seen_products.add(product_id)
            entries.append((item_id, product_id, quantity))
        highest = max((int(item_id) for item_id, _, _ in entries), default=0)
        next_id = raw.get("next_id")
        if type(next_id) is not int or next_id <= highest:
            next_id, repaired = highest + 1, True
        return next_id, entries, repaired

    def _load_items(self) -> list[CartItem]:
        """Read the products of the entries in one query; drop or trim lines that no longer fit."""
        if not self._entries:
            return []
        products = Product.objects.in_bulk([product_id for _, product_id, _ in self._entries])
        items, changed = [], False
        for item_id, product_id, quantity in self._entries:
            product = products.get(product_id)
            if product is None:
                self._warn(_("An item that is no longer sold was removed from your cart."))
                changed = True
                continue
            if not product.is_active:
                self._warn(
                    _("%(product)s is no longer available and was removed from your cart.") % {"product": product.name}
                )
                changed = True
                continue
            if product.stock is not None and quantity > product.stock:
                changed = True
                if product.stock == 0:
                    self._warn(_("%(product)s is sold out and was removed from your cart.") % {"product": product.name})
                    continue
                quantity = product.stock
                self._warn(
                    _("Only %(stock)s of %(product)s left in stock; your cart now holds %(stock)s.")
                    % {"stock": quantity, "product": product.name}
                )
            items.append(CartItem(item_id=item_id, product=product, quantity=quantity))
        if changed:
            self._items = items
            self._save()
        return items

    def _warn(self, text):
        messages.warning(self.request, text, fail_silently=True)

    def _save(self):
        if self._items is not None:
            self._entries = [(item.item_id, item.product.pk, item.quantity) for item in self._items]
        self.session[SESSION_KEY] = {
            "next_id": self._next_id,
            "items": [
                {"id": item_id, "product": product_id, "quantity": quantity}
                for item_id, product_id, quantity in self._entries
            ],
        }
        self.session.modified = True
