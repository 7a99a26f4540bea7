"""System checks for the orders app's settings."""

from decimal import Decimal, InvalidOperation

from django.core.checks import Error, register
from django.utils.module_loading import import_string

from coleman.conf import coleman_settings

from .address_book import address_book_path


def _importable(path):
    try:
        import_string(path)
    except ImportError:
        return False
    return True


def _money(value):
    try:
        return not isinstance(value, float) and Decimal(str(value)) >= 0
    except InvalidOperation:
        return False


@register()
def check_shipping_settings(app_configs, **kwargs):
    """The shipping calculator must import and its amounts must be non-negative Decimals."""
    errors = []
    for name in ["SHIPPING_CALCULATOR", "SHIPPING_FREE_OVER_BASE"]:
        path = getattr(coleman_settings, name)
        if not isinstance(path, str) or not _importable(path):
            errors.append(
                Error(f"COLEMAN_{name} does not name an importable class.", hint=repr(path), id="coleman.E041")
            )
    for name in ["SHIPPING_FLAT_RATE", "SHIPPING_PER_ITEM", "SHIPPING_FREE_OVER"]:
        if not _money(getattr(coleman_settings, name)):
            errors.append(
                Error(
                    f"COLEMAN_{name} must be a non-negative amount given as a string or Decimal.",
                    id="coleman.E042",
                )
            )
    table = coleman_settings.SHIPPING_WEIGHT_TABLE
    rows_ok = (
        isinstance(table, list | tuple)
        and len(table) > 0
        and all(isinstance(row, list | tuple) and len(row) == 2 and _money(row[1]) for row in table)
        and all(row[0] is not None and _money(row[0]) for row in table[:-1])
    )
    if rows_ok:
        limits = [Decimal(str(row[0])) for row in table if row[0] is not None]
        rows_ok = limits == sorted(limits)
    if not rows_ok:
        errors.append(
            Error(
                "COLEMAN_SHIPPING_WEIGHT_TABLE must be ascending (up_to_pounds, price) rows; "
                "only the last row may have None as its limit.",
                id="coleman.E043",
            )
        )
    days = coleman_settings.ORDER_ABANDONED_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        errors.append(Error("COLEMAN_ORDER_ABANDONED_DAYS must be a positive integer.", id="coleman.E044"))
    return errors


@register()
def check_address_book(app_configs, **kwargs):
    """``COLEMAN_ORDERS_ADDRESS_BOOK`` is None, "" or the dotted path of a callable."""
    setting = coleman_settings.ORDERS_ADDRESS_BOOK
    if setting is not None and not isinstance(setting, str):
        return [Error("COLEMAN_ORDERS_ADDRESS_BOOK must be None, '' or a dotted path.", id="coleman.E045")]
    path = address_book_path()
    if not path:
        return []
    try:
        book = import_string(path)
    except ImportError:
        book = None
    if not callable(book):
        return [
            Error(
                "COLEMAN_ORDERS_ADDRESS_BOOK does not name an importable callable.",
                hint=f"{path!r}: a function taking a user and returning address dicts.",
                id="coleman.E045",
            )
        ]
    return []
