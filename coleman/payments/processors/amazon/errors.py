"""Amazon FPS errors: what FPS's documented error codes mean for the store.

FPS answers a refused request with an error document (``<Response><Errors><Error><Code>``).
The codes fall into three kinds (:func:`classify`):

* **decline** — the shopper's money or token cannot pay this (``InsufficientBalance``,
  ``InvalidTokenId_Sender``, ``TokenNotActive_Sender``, ``AmountOutOfRange``…): the order is
  not paid; the shopper may pay another way.
* **retry** — FPS had a temporary problem (``InternalError``, ``ServiceUnavailable``,
  ``Throttling``, ``ConcurrentModification``): send the same request (same CallerReference)
  again later.
* **error** — the request is wrong (``InvalidParams``, ``DuplicateRequest``, our keys or
  signature…): staff must look; resending it unchanged cannot help.

Codes are those of the FPS API reference (API version 2008-09-17, "Error Codes"); a code not
listed there is an error.
"""

from ...exceptions import GatewayRefused, GatewayResponseError, Unauthenticated

#: The shopper's payment cannot go through: a decline, not a fault of ours.
DECLINE_CODES = frozenset(
    {
        "AccountClosed",
        "AccountLimitsExceeded",
        "AmountOutOfRange",
        "InactiveInstrument",
        "InstrumentAccessDenied",
        "InstrumentExpired",
        "InsufficientBalance",
        "InvalidAccountState_Sender",
        "InvalidPaymentInstrument",
        "InvalidTokenId",
        "InvalidTokenId_Sender",
        "PaymentInstrumentNotCC",
        "PaymentMethodNotDefined",
        "PrepaidFundingLimitExceeded",
        "TokenAccessDenied",
        "TokenNotActive",
        "TokenNotActive_Sender",
        "TokenUsageError",
        "TransactionDenied",
        "UnverifiedAccount_Sender",
        "UnverifiedBankAccount",
        "UnverifiedEmailAddress_Sender",
    }
)
#: FPS could not do it now; the same request may be sent again.
RETRY_CODES = frozenset({"ConcurrentModification", "InternalError", "ServiceUnavailable", "Throttling"})
#: Our credentials or signature are wrong (a configuration problem).
AUTH_CODES = frozenset(
    {"AuthFailure", "IncompleteSignature", "InvalidAccessKeyId", "InvalidClientTokenId", "SignatureDoesNotMatch"}
)

DECLINE, RETRY, ERROR = "decline", "retry", "error"


def classify(code) -> str:
    """``"decline"``, ``"retry"`` or ``"error"`` for an FPS error code."""
    if code in DECLINE_CODES:
        return DECLINE
    if code in RETRY_CODES:
        return RETRY
    return ERROR


class AmazonSignatureError(Unauthenticated):
    """A message that claims to come from Amazon is unsigned or its signature is wrong (403)."""

    status = 403


class AmazonResponseError(GatewayRefused):
    """FPS answered with an error document (``code`` and ``message`` as Amazon sent them)."""

    AUTH_CODES = AUTH_CODES

    def __init__(self, code, message, request_id=""):
        super().__init__(f"{code}: {message}", code=code, detail=message)
        self.message = message
        self.request_id = request_id

    @property
    def kind(self):
        """``"decline"``, ``"retry"`` or ``"error"`` (:func:`classify`)."""
        return classify(self.code)

    @property
    def is_decline(self):
        """True when the shopper's token or money cannot pay this."""
        return self.kind == DECLINE

    #: The older name of :attr:`is_decline`.
    is_token_failure = is_decline

    @property
    def is_retryable(self):
        """True when the same request may succeed later (FPS's temporary errors)."""
        return self.kind == RETRY

    @property
    def is_auth_failure(self):
        """True when FPS refused our credentials or signature (a configuration problem)."""
        return self.code in AUTH_CODES

    @property
    def is_duplicate(self):
        """True when FPS saw this CallerReference before with different parameters."""
        return self.code == "DuplicateRequest"


class AmazonMalformedResponse(GatewayResponseError):
    """FPS answered with something that is not the expected response or an error document."""


__all__ = [
    "AUTH_CODES",
    "DECLINE",
    "DECLINE_CODES",
    "ERROR",
    "RETRY",
    "RETRY_CODES",
    "AmazonMalformedResponse",
    "AmazonResponseError",
    "AmazonSignatureError",
    "classify",
]
