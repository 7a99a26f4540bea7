"""Exceptions of the digital app."""


class DigitalError(Exception):
    """Base class of the digital app's errors; the message is safe to show the customer."""


class DownloadRefused(DigitalError):
    """The entitlement cannot be downloaded now (revoked, unpaid, expired, limit reached)."""


class KeyPoolExhausted(DigitalError):
    """A product's license key pool has fewer free keys than a purchase needs."""
