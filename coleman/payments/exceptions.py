"""Exceptions of the payments app.

Two families under :class:`PaymentError`:

* :class:`GatewayError`: a request *we* made to a payment service failed. It was refused
  (:class:`GatewayRefused`, with the service's code), could not be delivered or got a 5xx
  (:class:`GatewayUnavailable`: nothing is known to have happened), or got an answer that is
  not the protocol's (:class:`GatewayResponseError`). Every gateway's own errors subclass one
  of these, so views and the admin catch ``GatewayError`` alone.
* :class:`MessageRejected`: a message a service (or anyone) sent *us* is refused; views
  answer its ``status`` (4xx), never a 500.
"""


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


class GatewayUnavailable(GatewayError):
    """The service could not be reached, timed out or answered 5xx.

    Nothing is known to have happened at the service: a request the protocol makes
    idempotent (the same reference) may be sent again. ``status_code`` is the HTTP status
    when the service answered one.
    """

    def __init__(self, message, *, status_code=None):
        super().__init__(message)
        self.status_code = status_code


class GatewayRefused(GatewayError):
    """The service answered the request with an error: ``code`` and ``detail`` as it sent them."""

    def __init__(self, message, *, code="", detail=""):
        super().__init__(message)
        self.code = code
        self.detail = detail or message


class GatewayResponseError(GatewayError):
    """The service answered with something that is not a document its protocol defines."""


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
