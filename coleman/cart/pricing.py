"""The one pricing function: lines, discounts, shipping, tax and total, each with its reason.

:func:`price_cart` is used by the cart page, the checkout page, order placing (the order
stores the :class:`PriceBreakdown` it returns) and, through the stored order, every gateway
document and report. The rules, in order:

1. each line's unit price is ``Product.get_price()``: the list price after the best running
   percentage offer (its reason is kept on the line);
2. "buy N, pay for M" offers give a discount per line they cover;
3. a voucher (if a code was entered) gives a percentage or a fixed amount off the order or a
   category's lines (never more than those lines cost after the offers), or free shipping;
   its minimum order is compared with the subtotal after the offers;
4. shipping is quoted by the store's shipping calculator on the lines that ship;
5. tax is computed by the store's tax strategy (``coleman.tax``) per line, per discount and
   on shipping, rounded per amount; it is added to the total or included in the prices.

``total = subtotal − discounts + shipping + tax added``, never below zero. The number of
queries is constant: the running offers come from one cached snapshot whatever their number,
the voucher is one query, a per-customer limit one more, the tax rate one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.offers.exceptions import VoucherError, VoucherNotApplicable
from coleman.offers.models import Voucher
from coleman.offers.services import check_customer, find_voucher
from coleman.offers.snapshot import running_offers
from coleman.tax.strategies import get_tax_strategy

from .lines import Line, Lines

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


@dataclass
class PricedLine:
    """One line as priced: list price, price paid per unit, line total, and the line's tax."""

    product: object
    quantity: int
    list_price: Decimal
    unit_price: Decimal
    line_total: Decimal
    reason: str = ""  # why unit_price is below list_price ("10% off: Autumn sale")
    tax: Decimal = ZERO
    source: object = None  # the cart line this was priced from
    variant: object = None

    @property
    def name(self) -> str:
        """The product's name, with the variant's."""
        return f"{self.product.name} – {self.variant.name}" if self.variant is not None else self.product.name

    @property
    def item_id(self):
        """The cart line's item id, when priced from the session cart."""
        return getattr(self.source, "item_id", None)

    @property
    def weight(self) -> Decimal:
        """Shipping weight of the whole line in pounds."""
        weight = self.variant.shipping_weight if self.variant is not None else self.product.weight
        return (weight or Decimal("0")) * self.quantity


@dataclass
class Adjustment:
    """A discount on the order: an offer or a voucher, its amount (positive) and its tax."""

    kind: str  # "offer" or "voucher"
    reason: str
    amount: Decimal
    code: str = ""
    tax: Decimal = ZERO


@dataclass
class PriceBreakdown:
    """Everything a total is made of, with the reason for each amount."""

    lines: list = field(default_factory=list)
    discounts: list = field(default_factory=list)
    shipping: Decimal = ZERO
    shipping_reason: str = ""
    shipping_tax: Decimal = ZERO
    tax: Decimal = ZERO
    tax_included: bool = False
    tax_reason: str = ""
    tax_rate: Decimal | None = None
    tax_region: str = ""
    shipping_taxed: bool = False
    voucher: Voucher | None = None
    voucher_code: str = ""
    voucher_error: str = ""
    free_shipping: bool = False

    @property
    def subtotal(self) -> Decimal:
        """Sum of the line totals (after per-unit offers, before order discounts)."""
        return to_money(sum((line.line_total for line in self.lines), ZERO))

    @property
    def discount(self) -> Decimal:
        """Sum of the discounts."""
        return to_money(sum((adjustment.amount for adjustment in self.discounts), ZERO))

    @property
    def tax_added(self) -> Decimal:
        """The tax added on top of the prices (0 when it is included in them)."""
        return ZERO if self.tax_included else self.tax

    @property
    def total(self) -> Decimal:
        """What the shopper pays: subtotal − discounts + shipping + tax added (never below 0)."""
        return max(to_money(self.subtotal - self.discount + self.shipping + self.tax_added), ZERO)

    @property
    def count(self) -> int:
        """Units in all lines."""
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        """True when there are no lines."""
        return not self.lines

    @property
    def savings(self) -> Decimal:
        """What the shopper saves against list prices: per-unit offers plus the discounts."""
        per_unit = sum(((line.list_price - line.unit_price) * line.quantity for line in self.lines), ZERO)
        return to_money(per_unit + self.discount)


def default_shipping_calculator():
    """The calculator named by ``COLEMAN_SHIPPING_CALCULATOR`` (loaded by its dotted path)."""
    path = coleman_settings.SHIPPING_CALCULATOR
    try:
        return import_string(path)()
    except ImportError as exc:
        raise ImproperlyConfigured(f"COLEMAN_SHIPPING_CALCULATOR: cannot import {path!r}.") from exc


def _voucher_adjustment(voucher, lines, remaining, snapshot) -> Adjustment | None:
    """The voucher's discount on ``lines`` whose amounts after offers are ``remaining`` (by index)."""
    if voucher.kind == Voucher.Kind.FREE_SHIPPING:
        return None
    if voucher.category_id:
        scope = snapshot.descendants(voucher.category_id)
        eligible = to_money(
            sum((remaining[i] for i, line in enumerate(lines) if line.product.category_id in scope), ZERO)
        )
        if not eligible:
            raise VoucherNotApplicable(
                _("The voucher %(code)s is for products your cart does not hold.") % {"code": voucher.code}
            )
    else:
        eligible = to_money(sum(remaining, ZERO))
    if voucher.kind == Voucher.Kind.PERCENT:
        amount = to_money(eligible * min(voucher.value, HUNDRED) / HUNDRED)
        what = _("%(percent)s%% off") % {"percent": f"{voucher.value.normalize():f}"}
    else:
        amount = min(to_money(voucher.value), eligible)
        what = _("%(amount)s off") % {"amount": to_money(voucher.value)}
    reason = _("Voucher %(code)s: %(what)s") % {"code": voucher.code, "what": what}
    if voucher.description:
        reason = f"{reason} ({voucher.description})"
    return Adjustment(kind="voucher", reason=reason, amount=amount, code=voucher.code)


def price_cart(
    lines,
    *,
    voucher_code="",
    user=None,
    email="",
    address=None,
    shipping_calculator=None,
    tax_strategy=None,
    now=None,
) -> PriceBreakdown:
    """Price ``lines`` (cart lines or any objects with ``product`` and ``quantity``).

    ``voucher_code`` is what the shopper typed (a bad one gives ``voucher_error`` and no
    discount; it never raises); ``user``/``email`` identify the customer for per-customer
    voucher limits; ``address`` (a dict with ``state`` and ``country``, or None) chooses the
    tax rate. Returns a :class:`PriceBreakdown`.
    """
    snapshot = running_offers()
    breakdown = PriceBreakdown()
    for source in lines:
        product, variant = source.product, getattr(source, "variant", None)
        unit_price, reason = (variant or product).get_price_with_reason()
        breakdown.lines.append(
            PricedLine(
                product=product,
                variant=variant,
                quantity=source.quantity,
                list_price=to_money(variant.list_price if variant is not None else product.price),
                unit_price=unit_price,
                line_total=to_money(unit_price * source.quantity),
                reason=reason,
                source=source,
            )
        )
    remaining = [line.line_total for line in breakdown.lines]
    index_of = {id(line): index for index, line in enumerate(breakdown.lines)}
    for offer, line, free, amount in snapshot.multibuys(breakdown.lines, now):
        breakdown.discounts.append(
            Adjustment(
                kind="offer",
                reason=_("%(offer)s: %(free)s × %(product)s free")
                % {"offer": offer.name, "free": free, "product": line.name},
                amount=amount,
                code=f"offer-{offer.id}",
            )
        )
        remaining[index_of[id(line)]] -= amount

    code = str(voucher_code or "").strip()
    if code and breakdown.lines:
        try:
            voucher = find_voucher(code, now)
            after_offers = to_money(sum(remaining, ZERO))
            if after_offers < voucher.minimum_order:
                raise VoucherNotApplicable(
                    _("The voucher %(code)s needs an order of at least %(minimum)s.")
                    % {"code": voucher.code, "minimum": to_money(voucher.minimum_order)}
                )
            check_customer(voucher, user=user, email=email)
            adjustment = _voucher_adjustment(voucher, breakdown.lines, remaining, snapshot)
        except VoucherError as error:
            breakdown.voucher_error, breakdown.voucher_code = str(error), code[:40]
        else:
            breakdown.voucher, breakdown.voucher_code = voucher, voucher.code
            if adjustment is not None:
                breakdown.discounts.append(adjustment)
            else:
                breakdown.free_shipping = True

    calculator = shipping_calculator or default_shipping_calculator()
    shipping = to_money(
        calculator.quote(Lines(Line(line.product, line.quantity, line.variant) for line in breakdown.lines))
    )
    breakdown.shipping_reason = str(calculator.name)
    if breakdown.free_shipping and shipping:
        breakdown.shipping_reason = _("Free shipping with voucher %(code)s") % {"code": breakdown.voucher_code}
        shipping = ZERO
    breakdown.shipping = shipping

    strategy = tax_strategy or get_tax_strategy()
    tax = strategy.compute(
        [line.line_total for line in breakdown.lines],
        [adjustment.amount for adjustment in breakdown.discounts],
        breakdown.shipping,
        address,
    )
    for line, line_tax in zip(breakdown.lines, tax.lines, strict=True):
        line.tax = line_tax
    for adjustment, adjustment_tax in zip(breakdown.discounts, tax.discounts, strict=True):
        adjustment.tax = adjustment_tax
    breakdown.shipping_tax = tax.shipping
    breakdown.tax = max(tax.total, ZERO)
    breakdown.tax_included = tax.included
    breakdown.tax_reason = tax.reason
    breakdown.tax_rate = tax.rate
    breakdown.tax_region = tax.region
    breakdown.shipping_taxed = tax.shipping_taxed
    return breakdown


__all__ = ["Adjustment", "PriceBreakdown", "PricedLine", "default_shipping_calculator", "price_cart"]
