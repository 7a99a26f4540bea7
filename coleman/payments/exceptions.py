"""Exceptions of the payments app."""


class PaymentError(Exception):
    """Base class of every payment failure a view or the admin may report to a person."""


class NotSupported(PaymentError):
    """The processor (or the service behind it) has no such operation."""


class ProcessorNotFound(PaymentError):
    """No installed processor has that name."""


class ImproperlyConfiguredProcessor(PaymentError):
    """A ``COLEMAN_PAYMENTS_PROCESSORS`` entry cannot be loaded or is not a processor."""


class GatewayError(PaymentError):
    """The payment service refused a request or could not be reached."""


class MessageRejected(PaymentError):
    """An inbound message (notification, return, callback) is refused.

    ``status`` is the HTTP status to answer with (400 malformed, 401 unauthenticated, 403
    forbidden); views turn it into a response, never a 500.
    """

    status = 400

    def __init__(self, message, *, status=None):
        super().__init__(message)
        if status is not None:
            self.status = status


class MalformedMessage(MessageRejected):
    """The message is not the document the protocol defines (bad XML, missing fields...)."""

    status = 400


class Unauthenticated(MessageRejected):
    """The message does not carry valid credentials or a valid signature."""

    status = 401
