"""Errors of the offers app; each carries the sentence shown to the shopper."""


class VoucherError(Exception):
    """A voucher code that cannot be used now (the message says why)."""


class MalformedVoucherCode(VoucherError):
    """Not something a code could be (empty, too long, odd characters)."""


class UnknownVoucher(VoucherError):
    """No voucher has this code (or it is switched off)."""


class VoucherNotValidNow(VoucherError):
    """The voucher has not started yet or has ended."""


class VoucherUsedUp(VoucherError):
    """The voucher has no uses left in total, or for this customer."""


class VoucherNotApplicable(VoucherError):
    """The cart does not qualify (below the minimum, nothing from the voucher's category)."""
