"""The Amazon FPS API over HTTP: every action as a signed, form-encoded POST.

Each request is signed with Signature Version 2 and names the API ``Version`` the processor
speaks; the answer must be in that version's namespace. FPS treats a request sent again with
the same ``CallerReference`` and parameters as the same request (it answers the first
transaction), so the processor gives this client an idempotent session: a request whose answer
was lost, or that met a 5xx, is re-sent unchanged. FPS answers refusals with 4xx and an error
document, raised as :class:`~.errors.AmazonResponseError`.
"""

from . import aggregated
from .protocol import (
    FPS_VERSION,
    PayResult,
    encode_form,
    fps_parameters,
    parse_transaction_response,
    parse_verify_signature_response,
    pay_parameters,
    refund_parameters,
    sign_fps_parameters,
    verify_signature_parameters,
)

FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


class FpsClient:
    """Calls the FPS API at ``endpoint`` over ``session`` with the merchant's access and secret keys."""

    def __init__(self, session, *, endpoint, access_key, secret_key, version=FPS_VERSION):
        self.session = session
        self.endpoint = endpoint
        self.access_key = access_key
        self.secret_key = secret_key
        self.version = version

    def post(self, params):
        """POST ``params`` signed for the endpoint; return the answer's body."""
        body = encode_form(sign_fps_parameters(self.endpoint, params, self.secret_key, method="POST"))
        return self.session.post(self.endpoint, data=body.encode("utf-8"), headers=FORM_HEADERS).content

    def call(self, action, params) -> PayResult:
        """POST a money-moving ``action``; return its TransactionId and TransactionStatus."""
        return parse_transaction_response(self.post(params), action, self.version)

    def pay(self, *, sender_token_id, amount, caller_reference, currency="USD") -> PayResult:
        """Charge ``amount`` to a sender token (single-use, prepaid or credit): ``Pay``."""
        params = pay_parameters(
            access_key=self.access_key,
            sender_token_id=sender_token_id,
            amount=amount,
            caller_reference=caller_reference,
            currency=currency,
            version=self.version,
        )
        return self.call("Pay", params)

    def refund(self, *, transaction_id, amount, caller_reference, currency="USD") -> PayResult:
        """Refund ``amount`` of a completed Pay transaction: ``Refund``."""
        params = refund_parameters(
            access_key=self.access_key,
            transaction_id=transaction_id,
            amount=amount,
            caller_reference=caller_reference,
            currency=currency,
            version=self.version,
        )
        return self.call("Refund", params)

    def get_transaction_status(self, transaction_id) -> PayResult:
        """Where a transaction stands now: ``GetTransactionStatus``."""
        params = fps_parameters(
            "GetTransactionStatus", access_key=self.access_key, version=self.version, TransactionId=transaction_id
        )
        return self.call("GetTransactionStatus", params)

    def verify_signature(self, *, url_endpoint, http_parameters) -> bool:
        """Whether FPS confirms that Amazon signed the message sent to ``url_endpoint``: ``VerifySignature``."""
        params = verify_signature_parameters(
            access_key=self.access_key,
            url_endpoint=url_endpoint,
            http_parameters=http_parameters,
            version=self.version,
        )
        return parse_verify_signature_response(self.post(params), self.version)

    # --- aggregated payments ---------------------------------------------------------------

    def _options(self, currency=None):
        options = {"access_key": self.access_key, "version": self.version}
        return {**options, "currency": currency} if currency else options

    def fund_prepaid(self, *, instrument_id, funding_token_id, amount, caller_reference, currency="USD"):
        """Load a prepaid instrument: ``FundPrepaid``."""
        params = aggregated.fund_prepaid_parameters(
            instrument_id=instrument_id,
            funding_token_id=funding_token_id,
            amount=amount,
            caller_reference=caller_reference,
            **self._options(currency),
        )
        return self.call("FundPrepaid", params)

    def settle_debt(self, *, instrument_id, settlement_token_id, amount, caller_reference, currency="USD"):
        """Collect a credit instrument's debt: ``SettleDebt``."""
        params = aggregated.settle_debt_parameters(
            instrument_id=instrument_id,
            settlement_token_id=settlement_token_id,
            amount=amount,
            caller_reference=caller_reference,
            **self._options(currency),
        )
        return self.call("SettleDebt", params)

    def write_off_debt(self, *, instrument_id, amount, caller_reference, currency="USD"):
        """Forgive part of a credit instrument's debt: ``WriteOffDebt``."""
        params = aggregated.write_off_debt_parameters(
            instrument_id=instrument_id, amount=amount, caller_reference=caller_reference, **self._options(currency)
        )
        return self.call("WriteOffDebt", params)

    def get_prepaid_balance(self, instrument_id) -> aggregated.Balance:
        """A prepaid instrument's balance: ``GetPrepaidBalance``."""
        params = aggregated.prepaid_balance_parameters(instrument_id=instrument_id, **self._options())
        return aggregated.parse_balance(self.post(params), "GetPrepaidBalance", self.version)

    def get_debt_balance(self, instrument_id) -> aggregated.Balance:
        """A credit instrument's credit left and debt: ``GetDebtBalance``."""
        params = aggregated.debt_balance_parameters(instrument_id=instrument_id, **self._options())
        return aggregated.parse_balance(self.post(params), "GetDebtBalance", self.version)


__all__ = ["FpsClient"]
