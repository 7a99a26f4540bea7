"""The session cart.

The book pickled a ``Cart`` object into the session. This cart keeps only plain JSON there:
``{"next_id": 3, "items": [{"id": "1", "product": 12, "quantity": 2}, ...]}`` (a line of a
variant adds ``"variant": 7``). Products (and variants), and
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
from coleman.core.money import to_money
from coleman.products.cache import cached_fragment
from coleman.products.models import Product, ProductVariant

from .exceptions import (
    CartError,
    CartFull,
    InvalidQuantities,
    InvalidQuantity,
    OutOfStock,
    UnknownItem,
    UnknownVariant,
)
from .lines import Line, Lines
from .pricing import PriceBreakdown, price_cart
from .saved import forget_saved_cart, remember

SESSION_KEY = "coleman_cart"
VOUCHER_SESSION_KEY = "coleman_cart_voucher"
PRICES_SESSION_KEY = "coleman_cart_prices"  # {item id: unit price the shopper last saw}
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


def check_stock(product, quantity: int, name=None) -> None:
    """Raise :class:`OutOfStock` when ``quantity`` units of ``product`` (or a variant) pass its
    tracked stock; ``name`` is what the message calls it (default: its name).

    The one stock rule of the cart: adding, setting and updating quantities all use it.
    """
    name = name or product.name
    if product.stock is not None and quantity > product.stock:
        if product.stock == 0:
            raise OutOfStock(_("%(product)s is sold out.") % {"product": name})
        raise OutOfStock(_("Only %(stock)s of %(product)s left in stock.") % {"stock": product.stock, "product": name})


@dataclass(frozen=True)
class CartSummary:
    """What the header shows of a cart: units and subtotal."""

    count: int
    subtotal: Decimal


@dataclass
class CartItem(Line):
    """A :class:`~coleman.cart.lines.Line` of the session cart, with its own ``item_id``."""

    item_id: str = ""
    entered: str | None = None

    @property
    def variant_id(self):
        """The variant's id, or None for a product without variants."""
        return (
            self.variant.pk if self.variant is not None else None
        )  # what the shopper typed, when a form is shown again with errors


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
        """The cart's lines as the session holds them (item id, product id, quantity, variant
        id): what cached renderings of the cart are keyed by, with the catalog version."""
        if self._items is not None:
            return tuple((item.item_id, item.product.pk, item.quantity, item.variant_id) for item in self._items)
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

    @property
    def voucher_code(self) -> str:
        """The voucher code the shopper entered ("" when none)."""
        code = self.session.get(VOUCHER_SESSION_KEY, "")
        return code if isinstance(code, str) else ""

    def set_voucher_code(self, code: str) -> None:
        """Remember ``code`` (already checked by the caller) for the cart and the checkout."""
        self.session[VOUCHER_SESSION_KEY] = str(code)[:40]
        self._priced = {}
        remember(self)

    def forget_voucher(self) -> None:
        """Forget the entered voucher code."""
        self.session.pop(VOUCHER_SESSION_KEY, None)
        self._priced = {}
        remember(self)

    def price_changes(self) -> list[tuple]:
        """``(line, price seen, price now)`` for each line whose unit price changed since the
        shopper last saw it (when added, or on the last checkout page)."""
        seen = self.session.get(PRICES_SESSION_KEY)
        if not isinstance(seen, dict):
            return []
        changes = []
        for item in self.items:
            before = seen.get(item.item_id)
            if isinstance(before, str) and before != str(item.unit_price):
                try:
                    changes.append((item, to_money(before), item.unit_price))
                except ValueError:
                    continue
        return changes

    def accept_prices(self) -> None:
        """Remember the current unit prices as seen by the shopper (the session is written only
        when they changed)."""
        seen = {item.item_id: str(item.unit_price) for item in self.items}
        if self.session.get(PRICES_SESSION_KEY) != seen:
            self.session[PRICES_SESSION_KEY] = seen

    def priced(self, *, address=None) -> PriceBreakdown:
        """The cart through :func:`~coleman.cart.pricing.price_cart` with its voucher and shopper
        (worked out once per request and address)."""
        key = (str((address or {}).get("state", "")), str((address or {}).get("country", "")))
        cache = self.__dict__.setdefault("_priced", {})
        if key not in cache:
            user = getattr(self.request, "user", None)
            cache[key] = price_cart(
                self.items,
                voucher_code=self.voucher_code,
                user=user,
                email=getattr(user, "email", "") if getattr(user, "is_authenticated", False) else "",
                address=address,
            )
        return cache[key]

    def get_item(self, item_id) -> CartItem:
        """The line with ``item_id``, or :class:`UnknownItem`."""
        item_id = str(item_id)
        for item in self.items:
            if item.item_id == item_id:
                return item
        raise UnknownItem(_("That item is not in your cart."))

    # --- changing ---------------------------------------------------------------------

    def add(self, product, quantity=1, variant=None) -> CartItem:
        """Add ``quantity`` units of ``product`` (of its ``variant``, when given); a line already
        in the cart gets more units.

        Raises :class:`InvalidQuantity` for a bad quantity or one that would pass the
        maximum, :class:`OutOfStock` when the product is discontinued or the tracked stock
        is too low, :class:`UnknownVariant` for a variant of another product or a missing
        choice, :class:`CartFull` for a new line beyond ``COLEMAN_CART_MAX_LINES``.
        """
        quantity = parse_quantity(quantity)
        if not product.is_active:
            raise OutOfStock(_("%(product)s is no longer available.") % {"product": product.name})
        if variant is not None and (variant.product_id != product.pk or not variant.is_active):
            raise UnknownVariant(_("That choice is not available for %(product)s.") % {"product": product.name})
        line = CartItem(product=product, quantity=quantity, variant=variant)
        variant_id = variant.pk if variant is not None else None
        existing = next(
            (item for item in self.items if item.product.pk == product.pk and item.variant_id == variant_id), None
        )
        wanted = quantity + (existing.quantity if existing else 0)
        if wanted > max_quantity():
            raise InvalidQuantity(
                _("You can buy at most %(limit)s of %(product)s.") % {"limit": max_quantity(), "product": line.name}
            )
        check_stock(line.buyable, wanted, line.name)
        if existing:
            existing.quantity = wanted
            existing.product = product
            existing.variant = variant
            item = existing
        else:
            if len(self.items) >= coleman_settings.CART_MAX_LINES:
                raise CartFull(
                    _("Your cart is full: it holds at most %(limit)s products.")
                    % {"limit": coleman_settings.CART_MAX_LINES}
                )
            item = CartItem(item_id=str(self._next_id), product=product, quantity=quantity, variant=variant)
            self._next_id += 1
            self.items.append(item)
        seen = self.session.get(PRICES_SESSION_KEY)
        seen = dict(seen) if isinstance(seen, dict) else {}
        seen[item.item_id] = str(item.unit_price)
        self.session[PRICES_SESSION_KEY] = dict(list(seen.items())[-coleman_settings.CART_MAX_LINES :])
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
        self._apply({item.item_id: self._checked_quantity(item, quantity)})

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
                quantities[item.item_id] = self._checked_quantity(item, raw)
            except CartError as error:
                errors[item.item_id] = str(error)
        if errors:
            raise InvalidQuantities(errors)
        self._apply(quantities)
        return unknown

    def clear(self) -> None:
        """Empty the cart (and forget its voucher)."""
        self._items = []
        self.forget_voucher()
        self._save()

    @staticmethod
    def clear_session(session, user=None) -> bool:
        """Empty the cart kept in ``session`` (a session store that no request holds, e.g. one
        loaded by its key when a payment notification arrives), with its voucher and the prices
        the shopper saw, and ``user``'s saved cart; True if there was a cart in the session."""
        had_cart = session.pop(SESSION_KEY, None) is not None
        session.pop(VOUCHER_SESSION_KEY, None)
        session.pop(PRICES_SESSION_KEY, None)
        session.save()
        if user is not None:
            forget_saved_cart(user)
        return had_cart

    # --- internals --------------------------------------------------------------------

    @staticmethod
    def _checked_quantity(item, raw) -> int:
        """``raw`` as a quantity for the line ``item`` (0 removes it), or a :class:`CartError`."""
        quantity = parse_quantity(raw, allow_zero=True)
        if quantity:
            check_stock(item.buyable, quantity, item.name)
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

    def merge_entries(self, raw) -> list[str]:
        """Add the lines of ``raw`` (cart JSON, e.g. a saved cart) to this cart: the same product
        (and variant) gets the quantities added, capped by the store's maximum; other lines are
        appended while there is room. Stock caps are applied (and said) when the lines are read.
        Returns ``"added"`` for each line added and a sentence for each cap."""
        _next, incoming, _repaired = self._parse(raw)
        entries = [(item.item_id, item.product.pk, item.quantity, item.variant_id) for item in self.items]
        notes, limit = [], max_quantity()
        for _item_id, product_id, quantity, variant_id in incoming:
            index = next(
                (i for i, entry in enumerate(entries) if entry[1] == product_id and entry[3] == variant_id), None
            )
            if index is not None:
                item_id, _product, had, _variant = entries[index]
                total = had + quantity
                if total > limit:
                    total = limit
                    notes.append(_("Your cart holds at most %(limit)s of one product.") % {"limit": limit})
                entries[index] = (item_id, product_id, total, variant_id)
                notes.append("added")
            elif len(entries) < coleman_settings.CART_MAX_LINES:
                entries.append((str(self._next_id), product_id, min(quantity, limit), variant_id))
                self._next_id += 1
                notes.append("added")
            else:
                notes.append(_("Your cart is full: some saved items were not added."))
                break
        self._entries, self._items = entries, None
        self._save()
        return notes

    def is_empty_in_session(self) -> bool:
        """True when the session holds no lines (answered without reading any product)."""
        return not self._entries if self._items is None else not self._items

    def session_contents(self) -> dict:
        """The cart as the JSON kept in the session (and in a customer's saved cart)."""
        return self.session.get(SESSION_KEY) or {"next_id": self._next_id, "items": []}

    def _read_session(self):
        """Validated ``(next_id, entries, repaired)`` from the session; bad data is dropped."""
        return self._parse(self.session.get(SESSION_KEY))

    @staticmethod
    def _parse(raw):
        """Validated ``(next_id, entries, repaired)`` from cart JSON; bad data is dropped."""
        if raw is None:
            return 1, [], False
        if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
            return 1, [], True
        entries, seen_ids, seen_products, repaired = [], set(), set(), False
        limit = max_quantity()
        for entry in raw["items"]:
            try:
                item_id, product_id, quantity = entry["id"], entry["product"], entry["quantity"]
                variant_id = entry.get("variant")
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
                and (variant_id is None or (type(variant_id) is int and 0 < variant_id < 2**63))
                and item_id not in seen_ids
                and (product_id, variant_id) not in seen_products
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
            seen_products.add((product_id, variant_id))
            entries.append((item_id, product_id, quantity, variant_id))
        highest = max((int(entry[0]) for entry in entries), default=0)
        next_id = raw.get("next_id")
        if type(next_id) is not int or next_id <= highest:
            next_id, repaired = highest + 1, True
        return next_id, entries, repaired

    def _load_items(self) -> list[CartItem]:
        """Read the products of the entries in one query (and their variants in one more, when
        the cart holds any); drop or trim lines that no longer fit."""
        if not self._entries:
            return []
        products = Product.objects.in_bulk([entry[1] for entry in self._entries])
        variant_ids = [entry[3] for entry in self._entries if entry[3] is not None]
        variants = ProductVariant.objects.in_bulk(variant_ids) if variant_ids else {}
        items, changed = [], False
        for item_id, product_id, quantity, variant_id in self._entries:
            product = products.get(product_id)
            variant = variants.get(variant_id) if variant_id is not None else None
            if variant is not None:
                variant.product = product  # the product read above (no query per line)
            if product is None or (variant_id is not None and (variant is None or variant.product_id != product_id)):
                self._warn(_("An item that is no longer sold was removed from your cart."))
                changed = True
                continue
            if not product.is_active or (variant is not None and not variant.is_active):
                self._warn(
                    _("%(product)s is no longer available and was removed from your cart.") % {"product": product.name}
                )
                changed = True
                continue
            line = CartItem(item_id=item_id, product=product, quantity=quantity, variant=variant)
            stock = line.buyable.stock
            if stock is not None and quantity > stock:
                changed = True
                if stock == 0:
                    self._warn(_("%(product)s is sold out and was removed from your cart.") % {"product": line.name})
                    continue
                line.quantity = stock
                self._warn(
                    _("Only %(stock)s of %(product)s left in stock; your cart now holds %(stock)s.")
                    % {"stock": stock, "product": line.name}
                )
            items.append(line)
        if changed:
            self._items = items
            self._save()
        return items

    def _warn(self, text):
        messages.warning(self.request, text, fail_silently=True)

    def _save(self):
        self._priced = {}
        if self._items is not None:
            self._entries = [(item.item_id, item.product.pk, item.quantity, item.variant_id) for item in self._items]
        self.session[SESSION_KEY] = {
            "next_id": self._next_id,
            "items": [
                {"id": item_id, "product": product_id, "quantity": quantity}
                | ({"variant": variant_id} if variant_id is not None else {})
                for item_id, product_id, quantity, variant_id in self._entries
            ],
        }
        self.session.modified = True
        remember(self)
