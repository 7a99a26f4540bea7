"""The offered display currencies, cached; the shopper's choice, kept in the session.

:func:`offered` reads the active rates once (one query on a cold cache, none when warm;
dropped when a rate is saved or deleted). :func:`chosen` is the shopper's display currency
(None for the store's own), :func:`approximate` formats an amount in it with the active
language's number conventions.
"""

from decimal import Decimal

from django.core.cache import cache
from django.utils.formats import number_format

from coleman.core.money import to_money

from .models import ExchangeRate

SESSION_KEY = "coleman_display_currency"
CACHE_KEY = "coleman:currencies:offered:v1"


def offered() -> dict:
    """``{code: (name, symbol, rate)}`` of the currencies shoppers may choose."""
    rates = cache.get(CACHE_KEY)
    if rates is None:
        rates = {
            row.code: (row.name, row.symbol or row.code, row.rate)
            for row in ExchangeRate.objects.filter(is_active=True)
        }
        cache.set(CACHE_KEY, rates, timeout=None)
    return rates


def forget_offered() -> None:
    """Drop the cached rates (a rate changed)."""
    cache.delete(CACHE_KEY)


def chosen(request):
    """``(code, symbol, rate)`` of the shopper's display currency, or None (the store's own).

    Reads nothing for a visitor without a session cookie."""
    session = getattr(request, "session", None)
    if session is None or (session.session_key is None and not session.modified):
        return None
    code = session.get(SESSION_KEY)
    if not isinstance(code, str):
        return None
    found = offered().get(code)
    return (code, found[1], found[2]) if found else None


def page_variant(request) -> str:
    """The code of the shopper's display currency ("" for none): cached pages that show
    approximate prices are kept per currency."""
    found = chosen(request)
    return found[0] if found else ""


def approximate(amount, currency) -> str:
    """``amount`` (store currency) in ``currency`` (``(code, symbol, rate)``) as "€1.234,50"-style
    text following the active language's conventions."""
    code, symbol, rate = currency
    converted = to_money(Decimal(amount) * rate)
    return f"{symbol}{number_format(converted, decimal_pos=2, use_l10n=True, force_grouping=True)}"


__all__ = ["SESSION_KEY", "approximate", "chosen", "forget_offered", "offered"]
