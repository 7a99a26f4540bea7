"""FPS aggregated payments, played locally: prepaid and postpaid instruments with balances.

Prepaid: the CBUI ``SetupPrepaid`` pipeline opens an instrument; ``FundPrepaid`` with its
funding token loads it (once per funding token); each ``Pay`` with the prepaid sender token
takes from the balance and is refused with ``InsufficientBalance`` beyond it;
``GetPrepaidBalance`` reports it. Postpaid: ``SetupPostpaid`` opens a credit instrument with a
credit limit and a per-purchase global limit; ``Pay`` with the credit sender token adds to the
debt (``AmountOutOfRange`` over the global limit, ``InsufficientBalance`` over the credit
limit); ``SettleDebt`` with the settlement token collects (answered ``Pending``, ``Success``
once asked with ``GetTransactionStatus``), ``WriteOffDebt`` forgives, ``GetDebtBalance``
reports. Every action that moves money is once per CallerReference (:func:`.ledger.once`).
"""

from django.core.cache import cache

from coleman.core.money import to_money

from . import ledger
from .cbui import read_token
from .documents import amount, error_document, response_document


def _amount(params, name):
    try:
        value = to_money(params.get(f"{name}.Value", ""))
    except ValueError:
        return None, ""
    return (value if value > 0 else None), params.get(f"{name}.CurrencyCode", "")


def _instrument(params, name, kind):
    """``(id, state)`` of the merchant's instrument named by ``params[name]``, or ``(id, error response)``."""
    instrument_id = params.get(name, "")
    state = ledger.get_instrument(instrument_id)
    if state is None or state["kind"] != kind or state["key"] != params["AWSAccessKeyId"]:
        return instrument_id, error_document("InvalidPaymentInstrument", f"{name} is not an instrument of yours.", 400)
    return instrument_id, state


def spend(token, value, currency):
    """Take ``value`` from a prepaid balance or add it to a credit's debt; None, or the refusal."""
    state = ledger.get_instrument(token["i"])
    if state is None:
        return error_document("TokenNotActive_Sender", "The sender token's instrument is gone.", 400)
    if currency != state["currency"]:
        return error_document("InvalidParams", "The currency differs from the instrument's.", 400)
    if state["kind"] == "prepaid":
        if value > to_money(state["balance"]):
            return error_document("InsufficientBalance", "The prepaid balance is less than the amount.", 400)
        state["balance"] = str(to_money(state["balance"]) - value)
    else:
        if value > to_money(state["global"]):
            return error_document("AmountOutOfRange", "The amount is over the global amount limit.", 400)
        if to_money(state["debt"]) + value > to_money(state["limit"]):
            return error_document("InsufficientBalance", "The amount is over the credit left.", 400)
        state["debt"] = str(to_money(state["debt"]) + value)
    ledger.save_instrument(token["i"], state)
    return None


def _record(params, action, value, currency, status, instrument_id):
    transaction_id = ledger.new_transaction_id(action, params["AWSAccessKeyId"], params["CallerReference"])
    ledger.save_transaction(
        transaction_id,
        {
            "key": params["AWSAccessKeyId"],
            "action": action,
            "reference": params["CallerReference"],
            "amount": str(value),
            "currency": currency,
            "refunded": "0.00",
            "status": status,
            "instrument": instrument_id,
        },
    )
    return transaction_id, status


def fund_prepaid(params):
    """Load a prepaid instrument with its funding token (once per token, at most the authorised amount)."""
    value, currency = _amount(params, "FundingAmount")
    if value is None:
        return error_document("InvalidParams", "FundingAmount is not a positive amount.", 400)
    token = read_token(params.get("SenderTokenId", ""))

    def run():
        instrument_id, state = _instrument(params, "PrepaidInstrumentId", "prepaid")
        if not isinstance(state, dict):
            return state
        if token is None or token.get("t") != "fund" or token["i"] != instrument_id:
            return error_document("InvalidTokenId_Sender", "SenderTokenId is not this instrument's funding token.", 400)
        if currency != state["currency"] or value > to_money(token["amount"]):
            return error_document("AmountOutOfRange", "The funding differs from what the buyer authorised.", 400)
        if not cache.add("sandbox:amazon:funded:" + params["SenderTokenId"][-64:], 1, ledger.MEMORY_SECONDS):
            return error_document("TokenUsageError", "This funding token was already used.", 400)
        state["funded"] = str(to_money(state["funded"]) + value)
        state["balance"] = str(to_money(state["balance"]) + value)
        ledger.save_instrument(instrument_id, state)
        return _record(params, "FundPrepaid", value, currency, "Success", instrument_id)

    fingerprint = [params.get("PrepaidInstrumentId", ""), params.get("SenderTokenId", ""), str(value), currency]
    return ledger.once("FundPrepaid", params, fingerprint, run)


def get_prepaid_balance(params):
    """A prepaid instrument's available balance and funded amount."""
    _, state = _instrument(params, "PrepaidInstrumentId", "prepaid")
    if not isinstance(state, dict):
        return state
    balance = {
        "PrepaidBalance": {
            "AvailableBalance": amount(state["balance"], state["currency"]),
            "PrepaidFundedAmount": amount(state["funded"], state["currency"]),
        }
    }
    return response_document("GetPrepaidBalance", params["Version"], balance)


def settle_debt(params):
    """Collect (part of) a credit instrument's debt with its settlement token; answered Pending."""
    value, currency = _amount(params, "SettlementAmount")
    if value is None:
        return error_document("InvalidParams", "SettlementAmount is not a positive amount.", 400)
    token = read_token(params.get("SenderTokenId", ""))

    def run():
        instrument_id, state = _instrument(params, "CreditInstrumentId", "credit")
        if not isinstance(state, dict):
            return state
        if token is None or token.get("t") != "settle" or token["i"] != instrument_id:
            return error_document(
                "InvalidTokenId_Sender", "SenderTokenId is not this instrument's settlement token.", 400
            )
        if currency != state["currency"]:
            return error_document("InvalidParams", "The currency differs from the instrument's.", 400)
        if value > to_money(state["debt"]):
            return error_document("SettleAmountGreaterThanDebt", "The settlement is more than the debt.", 400)
        state["debt"] = str(to_money(state["debt"]) - value)
        ledger.save_instrument(instrument_id, state)
        return _record(params, "SettleDebt", value, currency, "Pending", instrument_id)

    fingerprint = [params.get("CreditInstrumentId", ""), params.get("SenderTokenId", ""), str(value), currency]
    return ledger.once("SettleDebt", params, fingerprint, run)


def write_off_debt(params):
    """Forgive (part of) a credit instrument's debt."""
    value, currency = _amount(params, "AdjustmentAmount")
    if value is None:
        return error_document("InvalidParams", "AdjustmentAmount is not a positive amount.", 400)

    def run():
        instrument_id, state = _instrument(params, "CreditInstrumentId", "credit")
        if not isinstance(state, dict):
            return state
        if currency != state["currency"]:
            return error_document("InvalidParams", "The currency differs from the instrument's.", 400)
        if value > to_money(state["debt"]):
            return error_document("InvalidParams", "The write-off is more than the debt.", 400)
        state["debt"] = str(to_money(state["debt"]) - value)
        ledger.save_instrument(instrument_id, state)
        return _record(params, "WriteOffDebt", value, currency, "Success", instrument_id)

    return ledger.once("WriteOffDebt", params, [params.get("CreditInstrumentId", ""), str(value), currency], run)


def get_debt_balance(params):
    """A credit instrument's credit left (AvailableBalance) and debt (PendingOutBalance)."""
    _, state = _instrument(params, "CreditInstrumentId", "credit")
    if not isinstance(state, dict):
        return state
    left = to_money(state["limit"]) - to_money(state["debt"])
    balance = {
        "DebtBalance": {
            "AvailableBalance": amount(str(left), state["currency"]),
            "PendingOutBalance": amount(state["debt"], state["currency"]),
        }
    }
    return response_document("GetDebtBalance", params["Version"], balance)


ACTIONS = {
    "FundPrepaid": fund_prepaid,
    "GetPrepaidBalance": get_prepaid_balance,
    "SettleDebt": settle_debt,
    "WriteOffDebt": write_off_debt,
    "GetDebtBalance": get_debt_balance,
}

__all__ = ["ACTIONS", "spend"]
