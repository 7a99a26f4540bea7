"""The price a shopper pays now, behind ``Product.get_price()`` (the book's name).

The catalog keeps list prices only. An app that changes what a shopper pays (the offers
app's automatic offers) registers a *price rule* from its ``AppConfig.ready()``: a callable
``rule(product, price) -> (price, reason)`` that returns the new unit price and a sentence
saying why (or the price unchanged and ``""``). Rules run in the order they were registered.
With no rule registered, a product's price is its list price.
"""

from decimal import Decimal

from coleman.core.money import to_money

_rules = []


def register_price_rule(rule) -> None:
    """Add ``rule`` to the rules every price goes through (once, however often it is registered)."""
    if rule not in _rules:
        _rules.append(rule)


def unregister_price_rule(rule) -> None:
    """Remove ``rule`` (a no-op when it was not registered)."""
    if rule in _rules:
        _rules.remove(rule)


def price_with_reason(product, list_price=None) -> tuple[Decimal, str]:
    """``(unit price now, why it differs from the list price)`` for ``product``; the reason is
    ``""`` when the shopper pays the list price. Never below 0. ``list_price`` is a variant's own
    price (default: the product's); offers apply to it as to the product's."""
    price, reasons = to_money(product.price if list_price is None else list_price), []
    for rule in _rules:
        price, reason = rule(product, price)
        if reason:
            reasons.append(str(reason))
    return max(to_money(price), to_money(0)), "; ".join(reasons)


__all__ = ["price_with_reason", "register_price_rule", "unregister_price_rule"]
