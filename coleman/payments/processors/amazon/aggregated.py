"""FPS Aggregated Payments, as pure functions: the prepaid and postpaid pipelines and actions.

Prepaid (the book, ch. 9): the CBUI ``SetupPrepaid`` pipeline (``callerReferenceSender``,
``callerReferenceFunding``, ``fundingAmount``) returns ``fundingTokenID``,
``prepaidInstrumentID`` and ``prepaidSenderTokenID``; ``FundPrepaid`` loads the instrument
with the funding token; each purchase is a ``Pay`` with the prepaid sender token;
``GetPrepaidBalance`` reads what is left. Postpaid: ``SetupPostpaid``
(``callerReferenceSender``, ``callerReferenceSettlement``, ``creditLimit``,
``globalAmountLimit``) returns ``creditInstrumentID``, ``creditSenderTokenID`` and
``settlementTokenID``; each purchase is a ``Pay`` with the credit sender token; ``SettleDebt``
with the settlement token collects the debt, ``WriteOffDebt`` forgives some,
``GetDebtBalance`` reads it. Book errata fixed here: WriteOffDebt and GetDebtBalance are sent
under their own names, amounts go as ``<Name>.Value``/``<Name>.CurrencyCode``.
"""

from dataclasses import dataclass
from decimal import Decimal

from ...amounts import format_amount
from .errors import AmazonMalformedResponse, AmazonSignatureError
from .protocol import (
    CBUI_VERSION,
    DEFAULT_PAYMENT_METHODS,
    FPS_VERSION,
    MAX_TOKEN_LENGTH,
    SIGNATURE_METHOD,
    SIGNATURE_VERSION,
    amount_fields,
    fps_parameters,
    parse_response,
    text,
)
from .returns import CBUI_SUCCESS_STATUSES, outbound_signature

PREPAID, POSTPAID = "prepaid", "postpaid"


def _cbui(pipeline, *, access_key, return_url, currency, payment_methods, **fields):
    return {
        "callerKey": access_key,
        "currencyCode": currency,
        "paymentMethod": payment_methods,
        "pipelineName": pipeline,
        "returnURL": return_url,
        "signatureMethod": SIGNATURE_METHOD,
        "signatureVersion": SIGNATURE_VERSION,
        "version": CBUI_VERSION,
        **fields,
    }


def prepaid_cbui_parameters(
    *,
    access_key,
    sender_reference,
    funding_reference,
    amount,
    return_url,
    currency="USD",
    payment_methods=DEFAULT_PAYMENT_METHODS,
):
    """The unsigned CBUI ``SetupPrepaid`` request: the shopper buys a prepaid balance of ``amount``."""
    return _cbui(
        "SetupPrepaid",
        access_key=access_key,
        return_url=return_url,
        currency=currency,
        payment_methods=payment_methods,
        callerReferenceFunding=str(funding_reference),
        callerReferenceSender=str(sender_reference),
        fundingAmount=format_amount(amount),
    )


def postpaid_cbui_parameters(
    *,
    access_key,
    sender_reference,
    settlement_reference,
    credit_limit,
    global_limit,
    return_url,
    currency="USD",
    payment_methods=DEFAULT_PAYMENT_METHODS,
):
    """The unsigned CBUI ``SetupPostpaid`` request: credit up to ``credit_limit``, ``global_limit`` a purchase."""
    return _cbui(
        "SetupPostpaid",
        access_key=access_key,
        return_url=return_url,
        currency=currency,
        payment_methods=payment_methods,
        callerReferenceSender=str(sender_reference),
        callerReferenceSettlement=str(settlement_reference),
        creditLimit=format_amount(credit_limit),
        globalAmountLimit=format_amount(global_limit),
    )


@dataclass(frozen=True)
class AggregatedReturn:
    """What Amazon said on the return from ``SetupPrepaid`` or ``SetupPostpaid``.

    ``reference`` is the funding (prepaid) or settlement (postpaid) caller reference;
    ``instrument_id`` the prepaid or credit instrument; ``sender_token_id`` the token purchases
    are paid with; ``second_token_id`` the funding (prepaid) or settlement (postpaid) token.
    """

    kind: str
    status: str
    sender_reference: str
    reference: str
    instrument_id: str = ""
    sender_token_id: str = ""
    second_token_id: str = ""

    @property
    def succeeded(self):
        """True when the shopper authorised the instrument."""
        return self.status in CBUI_SUCCESS_STATUSES


RETURN_FIELDS = {
    PREPAID: ("callerReferenceFunding", "prepaidInstrumentID", "prepaidSenderTokenID", "fundingTokenID"),
    POSTPAID: ("callerReferenceSettlement", "creditInstrumentID", "creditSenderTokenID", "settlementTokenID"),
}


def parse_aggregated_return(params) -> AggregatedReturn:
    """Read a verified return from an aggregated pipeline; :class:`AmazonSignatureError` when incomplete."""
    outbound_signature(params)
    kind = PREPAID if params.get("callerReferenceFunding") else POSTPAID
    reference_name, *token_names = RETURN_FIELDS[kind]
    values = [params.get(name, "") for name in ("status", "callerReferenceSender", reference_name, *token_names)]
    status, sender, reference, instrument, sender_token, second_token = values
    if not status or not sender or not reference:
        raise AmazonSignatureError("The return is missing its status or caller references.")
    if status in CBUI_SUCCESS_STATUSES and not (instrument and sender_token and second_token):
        raise AmazonSignatureError("A successful return must carry its instrument and tokens.")
    if any(len(value) > MAX_TOKEN_LENGTH for value in values):
        raise AmazonSignatureError("A reference or token of the return is too long.")
    return AggregatedReturn(kind, status, sender, reference, instrument, sender_token, second_token)


def fund_prepaid_parameters(*, access_key, instrument_id, funding_token_id, amount, caller_reference, **options):
    """``FundPrepaid``: load the prepaid instrument with the funding token (options: version, timestamp, currency)."""
    currency = options.pop("currency", "USD")
    return fps_parameters(
        "FundPrepaid",
        access_key=access_key,
        **options,
        CallerReference=caller_reference,
        PrepaidInstrumentId=instrument_id,
        SenderTokenId=funding_token_id,
        **amount_fields("FundingAmount", amount, currency),
    )


def settle_debt_parameters(*, access_key, instrument_id, settlement_token_id, amount, caller_reference, **options):
    """``SettleDebt``: collect ``amount`` of the credit instrument's debt with the settlement token."""
    currency = options.pop("currency", "USD")
    return fps_parameters(
        "SettleDebt",
        access_key=access_key,
        **options,
        CallerReference=caller_reference,
        CreditInstrumentId=instrument_id,
        SenderTokenId=settlement_token_id,
        **amount_fields("SettlementAmount", amount, currency),
    )


def write_off_debt_parameters(*, access_key, instrument_id, amount, caller_reference, **options):
    """``WriteOffDebt`` (the book sent ``SettleDebt``): forgive ``amount`` of the debt."""
    currency = options.pop("currency", "USD")
    return fps_parameters(
        "WriteOffDebt",
        access_key=access_key,
        **options,
        CallerReference=caller_reference,
        CreditInstrumentId=instrument_id,
        **amount_fields("AdjustmentAmount", amount, currency),
    )


def prepaid_balance_parameters(*, access_key, instrument_id, **options):
    """``GetPrepaidBalance`` (the book sent ``PrepaidBalance``)."""
    return fps_parameters("GetPrepaidBalance", access_key=access_key, **options, PrepaidInstrumentId=instrument_id)


def debt_balance_parameters(*, access_key, instrument_id, **options):
    """``GetDebtBalance`` (the book sent ``PrepaidBalance``)."""
    return fps_parameters("GetDebtBalance", access_key=access_key, **options, CreditInstrumentId=instrument_id)


@dataclass(frozen=True)
class Balance:
    """An instrument's balance: ``available`` (prepaid left, or credit left) and ``other``
    (prepaid funded so far, or the debt), in ``currency``."""

    available: Decimal
    other: Decimal
    currency: str
    request_id: str = ""


def _amount(root, name):
    element = next((node for node in root.iter() if isinstance(node.tag, str) and node.tag.endswith("}" + name)), None)
    if element is None:
        raise AmazonMalformedResponse(f"The answer has no {name}.")
    try:
        return Decimal(text(element, "Value")), text(element, "CurrencyCode")
    except ArithmeticError as exc:
        raise AmazonMalformedResponse(f"{name} is not an amount.") from exc


def parse_balance(body, action, version=FPS_VERSION) -> Balance:
    """Read a ``GetPrepaidBalanceResponse`` or ``GetDebtBalanceResponse``."""
    root = parse_response(body, action, version)
    other_name = "PrepaidFundedAmount" if action == "GetPrepaidBalance" else "PendingOutBalance"
    available, currency = _amount(root, "AvailableBalance")
    other, _ = _amount(root, other_name)
    return Balance(available=available, other=other, currency=currency, request_id=text(root, "RequestId"))


__all__ = [
    "POSTPAID",
    "PREPAID",
    "AggregatedReturn",
    "Balance",
    "debt_balance_parameters",
    "fund_prepaid_parameters",
    "parse_aggregated_return",
    "parse_balance",
    "postpaid_cbui_parameters",
    "prepaid_balance_parameters",
    "prepaid_cbui_parameters",
    "settle_debt_parameters",
    "write_off_debt_parameters",
]
