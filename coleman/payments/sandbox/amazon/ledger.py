"""What the sandbox's FPS remembers, in the cache: transactions, CallerReferences, instruments.

* A transaction (``TransactionId`` → merchant, action, amount, currency, status, reference,
  refunded so far) answers ``GetTransactionStatus`` and ``Refund``.
* A CallerReference (per merchant and action) remembers the parameters it was first sent with
  and the transaction it made: the same request again answers that transaction, different
  parameters answer ``DuplicateRequest`` (FPS: "within seven days").
* Instruments of the aggregated payments: a prepaid instrument (funded, balance) and a credit
  instrument (credit limit, per-purchase global limit, debt).

This is a test double, not a ledger to trust: the sandbox is single-process in dev and tests.
"""

import contextvars
import hashlib
import hmac
import threading

from django.conf import settings
from django.core.cache import cache

from .documents import error_document, transaction_document

#: FPS did each money-moving request atomically; the sandbox (one process) does them one at a time.
_money_lock = threading.Lock()
#: The transactions saved while answering one request (their IPNs are sent after it).
_saved = contextvars.ContextVar("sandbox_amazon_saved", default=None)

#: How long the sandbox remembers (FPS accepted a retried CallerReference within seven days).
MEMORY_SECONDS = 7 * 24 * 3600


def _key(*parts):
    return "sandbox:amazon:" + hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8", "replace")).hexdigest()


def new_transaction_id(*parts):
    """A 35-character TransactionId, stable for the request that makes it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), "|".join(parts).encode("utf-8", "replace"), hashlib.sha256)
    return digest.hexdigest()[:35].upper()


def get_transaction(transaction_id):
    """The transaction the sandbox made with this id, or None."""
    return cache.get(_key("txn", transaction_id))


def save_transaction(transaction_id, data, *, news=True):
    """Remember a transaction (its merchant ``key``, ``action``, ``amount``, ``currency``, ``status``…).

    ``news``: whether the merchant hears of it (an IPN); a refund's bookkeeping on its payment is not news.
    """
    cache.set(_key("txn", transaction_id), data, MEMORY_SECONDS)
    saved = _saved.get()
    if saved is not None and news:
        saved[transaction_id] = data


def collecting():
    """Start collecting the transactions saved in this context; returns ``(dict, reset token)``."""
    saved = {}
    return saved, _saved.set(saved)


def stop_collecting(token):
    """Stop collecting (see :func:`collecting`)."""
    _saved.reset(token)


def once(action, params, fingerprint, run):
    """Run ``run()`` once per (merchant, action, CallerReference); answer a repeat with the first transaction.

    ``run`` returns ``(transaction_id, status)`` or an error response (which is not remembered,
    so the same reference may be tried again). The same reference with another ``fingerprint``
    is refused with ``DuplicateRequest``.
    """
    reference = params.get("CallerReference", "")
    if not reference:
        return error_document("InvalidParams", "CallerReference is required.", 400)
    with _money_lock:
        return _once(action, params, fingerprint, run, reference)


def _once(action, params, fingerprint, run, reference):
    version = params.get("Version")
    reference_key = _key("ref", params["AWSAccessKeyId"], action, reference)
    seen = cache.get(reference_key)
    if seen is not None:
        if seen["fingerprint"] != list(fingerprint):
            return error_document("DuplicateRequest", "CallerReference was used with other parameters.", 400)
        txn = get_transaction(seen["transaction_id"]) or {}
        return transaction_document(action, version, seen["transaction_id"], txn.get("status", "Success"))
    outcome = run()
    if not isinstance(outcome, tuple):
        return outcome
    transaction_id, status = outcome
    cache.set(reference_key, {"fingerprint": list(fingerprint), "transaction_id": transaction_id}, MEMORY_SECONDS)
    return transaction_document(action, version, transaction_id, status)


def get_instrument(instrument_id):
    """A prepaid or credit instrument's state, or None."""
    return cache.get(_key("instrument", instrument_id))


def save_instrument(instrument_id, data):
    """Store an instrument's state."""
    cache.set(_key("instrument", instrument_id), data, MEMORY_SECONDS)


def open_prepaid(instrument_id, *, key, currency):
    """A prepaid instrument, unfunded (kept as it is when the same CBUI is authorised again)."""
    state = {"kind": "prepaid", "key": key, "currency": currency, "funded": "0.00", "balance": "0.00"}
    cache.add(_key("instrument", instrument_id), state, MEMORY_SECONDS)


def open_credit(instrument_id, *, key, currency, limit, global_limit):
    """A credit instrument with no debt (kept as it is when the same CBUI is authorised again)."""
    state = {"kind": "credit", "key": key, "currency": currency, "limit": limit, "global": global_limit}
    cache.add(_key("instrument", instrument_id), {**state, "debt": "0.00"}, MEMORY_SECONDS)


__all__ = [
    "MEMORY_SECONDS",
    "collecting",
    "get_instrument",
    "get_transaction",
    "new_transaction_id",
    "once",
    "open_credit",
    "open_prepaid",
    "save_instrument",
    "save_transaction",
    "stop_collecting",
]
