"""FPS aggregated payments in the store: a customer's prepaid balance or postpaid credit (book, ch. 9).

* :func:`start_setup` records a setup :class:`~coleman.payments.models.TokenReference` and
  gives the signed CBUI URL (``SetupPrepaid`` / ``SetupPostpaid``); the book's
  ``cbui_redirect`` never saved its order, this one saves before redirecting.
* :func:`record_setup` stores what the verified return carried; :func:`fund` loads a prepaid
  instrument (``FundPrepaid``).
* :func:`pay_with_instrument` pays a small digital order from the customer's prepaid balance,
  or adds it to their postpaid debt, without a trip to Amazon; when a purchase would pass the
  credit limit the debt is settled first (``SettleDebt``).
* :func:`refresh_balance` reads ``GetPrepaidBalance`` / ``GetDebtBalance`` into the setup row,
  which the account page shows without calling Amazon.

Every call is a ``TokenReference`` row with its own ``CallerReference``, made before the call
is sent; a retry finds the row and sends the same reference and amount, so FPS answers the
first transaction instead of moving money twice. A call FPS left Pending or Reserved is asked
about with ``GetTransactionStatus``.
"""

import secrets

from django.db import transaction

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.statuses import Status

from ...exceptions import GatewayError
from ...models import (
    EventOutcome,
    PaymentTransaction,
    TokenAction,
    TokenKind,
    TokenReference,
    TokenStatus,
    TransactionKind,
    TransactionStatus,
)
from ...services import move_order
from .aggregated import postpaid_cbui_parameters, prepaid_cbui_parameters
from .errors import AmazonResponseError
from .protocol import cbui_url

#: FPS's TransactionStatus → the call's status.
CALL_STATUS = {
    "Success": TokenStatus.SUCCESS,
    "Pending": TokenStatus.PENDING,
    "Reserved": TokenStatus.RESERVED,
    "Failure": TokenStatus.FAILURE,
    "Cancelled": TokenStatus.CANCELLED,
}
UNDER_WAY = (TokenStatus.PENDING, TokenStatus.RESERVED)


def new_reference(prefix):
    """A fresh caller reference (FPS allows 128 characters; these are short and unguessable)."""
    return f"{prefix}-{secrets.token_hex(10)}"


def start_setup(processor, request, user, kind, amount=None):
    """Save a setup for ``user`` and return the signed CBUI URL that asks Amazon for it.

    ``amount`` is the prepaid balance to buy (one of ``PREPAID_AMOUNTS``); a postpaid credit
    takes ``CREDIT_LIMIT`` and ``GLOBAL_AMOUNT_LIMIT``. Raises ``ValueError`` for another amount.
    """
    currency = coleman_settings.CURRENCY
    return_url = processor.absolute_url(request, "aggregated-return")
    common = {"access_key": processor.setting("ACCESS_KEY"), "return_url": return_url, "currency": currency}
    common["payment_methods"] = processor.setting("PAYMENT_METHODS")
    if kind == TokenKind.PREPAID:
        offered = {to_money(value) for value in processor.setting("PREPAID_AMOUNTS")}
        if amount is None or to_money(amount) not in offered:
            raise ValueError("Choose one of the prepaid amounts offered.")
        setup = TokenReference.objects.create(
            processor=processor.name,
            user=user,
            kind=kind,
            action=TokenAction.SETUP,
            sender_reference=new_reference("S"),
            caller_reference=new_reference("F"),
            amount=to_money(amount),
            currency=currency,
        )
        params = prepaid_cbui_parameters(
            sender_reference=setup.sender_reference,
            funding_reference=setup.caller_reference,
            amount=setup.amount,
            **common,
        )
    else:
        setup = TokenReference.objects.create(
            processor=processor.name,
            user=user,
            kind=TokenKind.POSTPAID,
            action=TokenAction.SETUP,
            sender_reference=new_reference("S"),
            caller_reference=new_reference("T"),
            amount=to_money(processor.setting("CREDIT_LIMIT")),
            global_limit=to_money(processor.setting("GLOBAL_AMOUNT_LIMIT")),
            currency=currency,
        )
        params = postpaid_cbui_parameters(
            sender_reference=setup.sender_reference,
            settlement_reference=setup.caller_reference,
            credit_limit=setup.amount,
            global_limit=setup.global_limit,
            **common,
        )
    return cbui_url(processor.cbui_endpoint(request), params, processor.setting("SECRET_KEY"))


def record_setup(processor, result, raw):
    """Store a verified setup return on its setup row; ``(outcome, message, setup or None)``."""
    setup = (
        TokenReference.objects.select_for_update()
        .filter(
            processor=processor.name,
            action=TokenAction.SETUP,
            kind=result.kind,
            caller_reference=result.reference,
            sender_reference=result.sender_reference,
        )
        .first()
    )
    if setup is None:
        return EventOutcome.IGNORED, "No setup of ours has these caller references.", None
    if setup.status != TokenStatus.NEW:
        return EventOutcome.IGNORED, f"The setup is already {setup.status}.", setup
    setup.raw_response = raw
    if not result.succeeded:
        setup.status = TokenStatus.DECLINED
        setup.save(update_fields=["status", "raw_response", "updated_at"])
        return EventOutcome.APPLIED, f"The shopper did not authorise the {setup.kind} instrument.", setup
    setup.status = TokenStatus.ACTIVE
    setup.instrument_id = result.instrument_id
    setup.sender_token_id = result.sender_token_id
    setup.second_token_id = result.second_token_id
    setup.available = setup.amount if setup.kind == TokenKind.POSTPAID else to_money(0)
    setup.other = to_money(0)
    setup.save()
    return EventOutcome.APPLIED, f"Amazon authorised the {setup.kind} instrument {setup.instrument_id}.", setup


def call(processor, setup, action, reference, amount, send, *, order=None):
    """Send the FPS call ``reference`` once: make its row first, re-send the same on a retry.

    ``send(client, row)`` makes the request from the row's stored amount. A row that already
    succeeded is returned as it is; one left Pending or Reserved is asked about with
    ``GetTransactionStatus``. FPS's refusal marks the row refused (left ``sent`` when FPS says
    to try again) and is raised; when FPS cannot be reached the row stays ``sent``.
    """
    row, _ = TokenReference.objects.get_or_create(
        processor=processor.name,
        action=action,
        caller_reference=reference,
        defaults={
            "user_id": setup.user_id,
            "setup": setup,
            "kind": setup.kind,
            "order": order,
            "amount": to_money(amount),
            "currency": setup.currency,
            "instrument_id": setup.instrument_id,
            "status": TokenStatus.SENT,
        },
    )
    if row.status == TokenStatus.SUCCESS:
        return row
    client = processor.fps_client()
    try:
        if row.status in UNDER_WAY and row.transaction_id:
            result = client.get_transaction_status(row.transaction_id)
        else:
            result = send(client, row)
    except AmazonResponseError as exc:
        row.status = TokenStatus.SENT if exc.is_retryable else TokenStatus.REFUSED
        row.message, row.request_id = f"{exc.code}: {exc.message}", exc.request_id[:64]
        row.save(update_fields=["status", "message", "request_id", "updated_at"])
        raise
    except GatewayError as exc:
        row.message = f"Not done yet: {exc}"
        row.save(update_fields=["message", "updated_at"])
        raise
    row.transaction_id, row.request_id = result.transaction_id, result.request_id[:64]
    row.status = CALL_STATUS.get(result.status, TokenStatus.FAILURE)
    row.raw_response, row.message = result.raw, f"FPS {row.get_action_display()} {result.status}"
    row.save()
    return row


def fund(processor, setup):
    """Load the prepaid instrument with its funding token for the amount bought (``FundPrepaid``), once."""
    return call(
        processor,
        setup,
        TokenAction.FUND,
        f"{setup.caller_reference}-fund",
        setup.amount,
        lambda client, row: client.fund_prepaid(
            instrument_id=setup.instrument_id,
            funding_token_id=setup.second_token_id,
            amount=row.amount,
            caller_reference=row.caller_reference,
            currency=row.currency,
        ),
    )


def refresh_balance(processor, setup):
    """Read the instrument's balance from FPS into ``setup.available`` and ``setup.other``."""
    client = processor.fps_client()
    if setup.kind == TokenKind.PREPAID:
        balance = client.get_prepaid_balance(setup.instrument_id)
    else:
        balance = client.get_debt_balance(setup.instrument_id)
    setup.available, setup.other = to_money(balance.available), to_money(balance.other)
    setup.save(update_fields=["available", "other", "updated_at"])
    return setup


def settle(processor, setup):
    """Collect the whole debt of a credit instrument (``SettleDebt``); None when there is none.

    A settlement that got no answer is re-sent with its own reference and amount before a new
    one is made; FPS answers a settlement Pending (:func:`follow_up` asks about it later).
    """
    unfinished = setup.calls.filter(action=TokenAction.SETTLE, status=TokenStatus.SENT).first()
    if unfinished is None:
        refresh_balance(processor, setup)
        if not setup.other:
            return None
        reference, amount = new_reference(f"{setup.caller_reference}-settle"), setup.other
    else:
        reference, amount = unfinished.caller_reference, unfinished.amount
    row = call(
        processor,
        setup,
        TokenAction.SETTLE,
        reference,
        amount,
        lambda client, row: client.settle_debt(
            instrument_id=setup.instrument_id,
            settlement_token_id=setup.second_token_id,
            amount=row.amount,
            caller_reference=row.caller_reference,
            currency=row.currency,
        ),
    )
    refresh_balance(processor, setup)
    return row


def follow_up(processor, setup):
    """Ask FPS (``GetTransactionStatus``) about the instrument's calls left Pending or Reserved."""
    rows = list(setup.calls.filter(status__in=UNDER_WAY).exclude(transaction_id=""))
    for row in rows:
        call(processor, setup, row.action, row.caller_reference, row.amount, None)
    return rows


def write_off(processor, setup, amount):
    """Forgive ``amount`` of a credit instrument's debt (``WriteOffDebt``; the book sent SettleDebt)."""
    row = call(
        processor,
        setup,
        TokenAction.WRITE_OFF,
        new_reference(f"{setup.caller_reference}-writeoff"),
        amount,
        lambda client, row: client.write_off_debt(
            instrument_id=setup.instrument_id,
            amount=row.amount,
            caller_reference=row.caller_reference,
            currency=row.currency,
        ),
    )
    refresh_balance(processor, setup)
    return row


def qualifies(processor, order):
    """True for a small order of a signed-in customer of digital goods only (nothing ships)."""
    if not processor.setting("AGGREGATED_PAYMENTS") or order.user_id is None:
        return False
    if order.total <= 0 or order.total > to_money(processor.setting("SMALL_PURCHASE_LIMIT")):
        return False
    return order.shipping == 0 and not order.lines.exclude(product__is_digital=True).exists()


def pay_order(processor, order, setup):
    """``Pay`` for ``order`` with the instrument's sender token (reference ``<order>-<kind>-pay``)."""
    return call(
        processor,
        setup,
        TokenAction.PAY,
        f"{order.number}-{setup.kind}-pay",
        order.total,
        lambda client, row: client.pay(
            sender_token_id=setup.sender_token_id,
            amount=row.amount,
            caller_reference=row.caller_reference,
            currency=row.currency,
        ),
        order=order,
    )


def pay_with_instrument(processor, order):
    """Pay a qualifying order from the customer's prepaid balance or postpaid credit; the call, or None.

    The prepaid balance is tried first, then postpaid credit; a purchase that would pass the
    credit limit settles the debt first (and so does FPS refusing it as over the limit). An
    instrument FPS refuses is skipped. A successful Pay is recorded as the order's charge and
    moves it to PAID; a Pending one leaves it to GetTransactionStatus or an IPN.
    """
    if not qualifies(processor, order):
        return None
    setups = TokenReference.objects.instruments().filter(
        processor=processor.name, user_id=order.user_id, currency=order.currency
    )
    for setup in sorted(setups, key=lambda row: (row.kind != TokenKind.PREPAID, row.created_at)):
        if setup.kind == TokenKind.PREPAID and (setup.available or 0) < order.total:
            continue
        if setup.kind == TokenKind.POSTPAID and order.total > setup.global_limit:
            continue
        try:
            if setup.kind == TokenKind.POSTPAID and (setup.other or 0) + order.total > setup.amount:
                settle(processor, setup)
            try:
                row = pay_order(processor, order, setup)
            except AmazonResponseError as exc:
                if setup.kind != TokenKind.POSTPAID or exc.code != "InsufficientBalance":
                    raise
                settle(processor, setup)
                row = pay_order(processor, order, setup)
        except AmazonResponseError:
            continue
        if row.status in (TokenStatus.SUCCESS, *UNDER_WAY):
            record_charge(processor, order, row)
            try:
                refresh_balance(processor, setup)
            except GatewayError:
                pass  # the balance shown is refreshed at the next call
            return row
    return None


def record_charge(processor, order, row):
    """The order's charge transaction for an instrument's Pay; a success moves the order to PAID."""
    status = TransactionStatus.SUCCEEDED if row.status == TokenStatus.SUCCESS else TransactionStatus.PENDING
    with transaction.atomic():
        txn, _ = PaymentTransaction.objects.update_or_create(
            processor=processor.name,
            kind=TransactionKind.CHARGE,
            reference=row.caller_reference,
            defaults={
                "order": order,
                "amount": row.amount,
                "currency": row.currency,
                "remote_id": row.transaction_id,
                "request_id": row.request_id,
                "status": status,
                "message": f"FPS Pay from the {row.kind} instrument: {row.status}",
                "raw_response": row.raw_response,
            },
        )
        if status == TransactionStatus.SUCCEEDED:
            note = f"Paid from the customer's Amazon {row.kind} instrument (FPS {row.transaction_id})."
            move_order(order, Status.PAID, processor=processor.name, note=note)
    return txn


__all__ = [
    "call",
    "follow_up",
    "fund",
    "pay_with_instrument",
    "qualifies",
    "record_charge",
    "record_setup",
    "refresh_balance",
    "settle",
    "start_setup",
    "write_off",
]
