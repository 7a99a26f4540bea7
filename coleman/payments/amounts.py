"""Amounts on the wire: how every gateway writes our money and compares theirs with ours."""

from coleman.core.money import to_money


def format_amount(amount) -> str:
    """An amount as payment protocols write it: a plain decimal with two places (``"30.50"``)."""
    return f"{to_money(amount):.2f}"


def amounts_match(expected, value) -> bool:
    """True when ``value`` (a string from the wire) is the same amount of money as ``expected``."""
    try:
        return to_money(value) == to_money(expected)
    except (TypeError, ValueError):
        return False


__all__ = ["amounts_match", "format_amount"]
