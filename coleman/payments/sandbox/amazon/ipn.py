"""Instant Payment Notifications from the sandbox's Amazon: signed as Amazon signed them.

Every transaction the sandbox's FPS makes or completes becomes an IPN
(``notificationType=TransactionStatus``, ``transactionId``, ``transactionStatus``,
``callerReference``, ``operation``, ``transactionAmount``, ``transactionDate``) signed
RSA-SHA1 for a POST to the store's IPN URL, with the sandbox's ``certificateUrl``. It is kept in
a short history (:func:`sent_ipns`) and, with ``COLEMAN_SANDBOX_AMAZON_SEND_IPN``, posted to
``COLEMAN_SANDBOX_AMAZON_IPN_URL`` (default: this site's ``payments:amazon:callback``) from a
background thread, resent a few times until the store answers 200, as Amazon did.
"""

import logging
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from coleman.payments.exceptions import GatewayError
from coleman.payments.http import gateway_session

from ..conf import sandbox_settings
from .signing import outbound_signed

logger = logging.getLogger(__name__)

HISTORY_KEY = "sandbox:amazon:ipn-history"
HISTORY_LENGTH = 50
RETRY_DELAYS = (0.5, 2, 5)
#: FPS's ``operation`` for each action that makes a transaction.
OPERATIONS = {
    "Pay": "PAY",
    "Refund": "REFUND",
    "FundPrepaid": "FUND_PREPAID",
    "SettleDebt": "SETTLE_DEBT",
    "WriteOffDebt": "WRITE_OFF_DEBT",
}


def ipn_url(request):
    """Where IPNs go: the configured URL, else this site's Amazon callback (None when not mounted)."""
    if sandbox_settings.AMAZON_IPN_URL:
        return sandbox_settings.AMAZON_IPN_URL
    try:
        return request.build_absolute_uri(reverse("payments:amazon:callback"))
    except NoReverseMatch:
        return None


def notify(request, transaction_id, txn):
    """Sign the IPN about ``txn``, keep it in the history and (when configured) send it; its body."""
    url = ipn_url(request)
    if url is None:
        return None
    fields = {
        "notificationType": "TransactionStatus",
        "transactionId": transaction_id,
        "transactionStatus": txn["status"].upper(),
        "callerReference": txn["reference"],
        "operation": OPERATIONS.get(txn["action"], txn["action"].upper()),
        "transactionAmount": f"{txn['currency']} {txn['amount']}",
        "transactionDate": str(int(datetime.now(UTC).timestamp())),
    }
    certificate_url = request.build_absolute_uri(reverse("sandbox:amazon-cert"))
    body = urlencode(outbound_signed(fields, method="POST", url=url, certificate_url=certificate_url))
    cache.set(HISTORY_KEY, [*sent_ipns(), (url, body)][-HISTORY_LENGTH:], 24 * 3600)
    if sandbox_settings.AMAZON_SEND_IPN:
        threading.Thread(target=deliver_ipn, args=(url, body), daemon=True, name="sandbox-amazon-ipn").start()
    return body


def sent_ipns():
    """``[(IPN URL, body), …]`` of the IPNs the sandbox signed, oldest first."""
    return list(cache.get(HISTORY_KEY, []))


def deliver_ipn(url, body, *, delays=RETRY_DELAYS):
    """POST one IPN to the store, resending it until the store answers 200; True once delivered."""
    for delay in delays:
        time.sleep(delay)
        try:
            response = gateway_session("The store").post(
                url, data=body.encode("utf-8"), headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        except GatewayError as exc:
            logger.warning("Sandbox Amazon could not deliver an IPN to %s: %s", url, exc)
            continue
        if response.status_code == 200:
            return True
        logger.warning("Sandbox Amazon IPN to %s answered %s; will resend.", url, response.status_code)
    return False


__all__ = ["deliver_ipn", "ipn_url", "notify", "sent_ipns"]
