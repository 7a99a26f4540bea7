"""Money helpers: every amount in the store is a ``Decimal`` with two places."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    """Return ``value`` as a ``Decimal`` rounded half-up to cents.

    Accepts ``Decimal``, ``int`` and numeric strings; floats are refused because they
    cannot represent cents exactly.
    """
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or string.")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"Not an amount of money: {value!r}") from exc
