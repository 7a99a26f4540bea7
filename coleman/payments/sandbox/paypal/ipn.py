"""The PayPal sandbox's Instant Payment Notification: it posts IPNs to the store after a payment
and answers the store's ``cmd=_notify-validate`` post-back.

The sandbox keeps every IPN it sent (:func:`sent_ipns`, like PayPal's "IPN History" page): the
post-back is ``VERIFIED`` for those bodies only. :func:`remember_ipn` marks a body as sent,
as PayPal's IPN Simulator did, for tests of IPNs a normal payment does not produce.
"""

import hashlib
import logging
import threading
import time
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.payments.exceptions import GatewayError
from coleman.payments.http import gateway_session

from ..conf import sandbox_settings

logger = logging.getLogger("coleman.payments.sandbox.paypal")

# How long the sandbox remembers the IPNs it sent (for the post-back and the history).
IPN_MEMORY_SECONDS = 3 * 3600
HISTORY_KEY = "sandbox:paypal:ipn-history"
HISTORY_LENGTH = 50
# PayPal's IPN arrived a moment after the payment (never inside the API call that made it)
# and was resent while the store did not answer 200: seconds to wait before each attempt.
IPN_RETRY_DELAYS = (0.5, 1, 2, 4, 8)
POSTBACK_PREFIX = b"cmd=_notify-validate&"


def _ipn_key(body):
    return "sandbox:paypal:ipn:" + hashlib.sha256(body).hexdigest()


def remember_ipn(body):
    """Record that PayPal sent this exact IPN body: the store's post-back for it is then VERIFIED."""
    cache.set(_ipn_key(body), True, IPN_MEMORY_SECONDS)


def sent_ipns():
    """``[(notify URL, body), …]`` of the IPNs the sandbox sent, oldest first (the IPN history)."""
    return list(cache.get(HISTORY_KEY, []))


def deliver_ipn(url, body, *, delays=IPN_RETRY_DELAYS):
    """POST one IPN body to the store, resending it until the store answers 200.

    PayPal resent an IPN that was not acknowledged with HTTP 200, at growing intervals; the
    sandbox does the same a few times (used by the default background sender).
    """
    for delay in delays:
        time.sleep(delay)
        try:
            response = gateway_session("The store").post(
                url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        except GatewayError as exc:
            logger.warning("Sandbox PayPal could not deliver an IPN to %s: %s", url, exc)
            continue
        if response.status_code == 200:
            return True
        logger.warning("Sandbox PayPal IPN to %s answered %s; will resend.", url, response.status_code)
    return False


def send_ipn(url, fields):
    """Post an IPN to the store's notify URL, as PayPal did: shortly after, from elsewhere.

    The form is encoded in the charset its ``charset`` field names (PayPal's default for an
    account is windows-1252), percent-escapes included, as PayPal encoded it.

    The body is recorded first (history, and VERIFIED for the post-back). Delivery runs in a
    background thread so it never blocks the API answer (PayPal's IPN is asynchronous too);
    ``COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False`` keeps the IPN in the history only.
    """
    charset = fields.get("charset") or "utf-8"
    body = urlencode(list(fields.items()), encoding=charset, errors="replace").encode("ascii")
    remember_ipn(body)
    cache.set(HISTORY_KEY, [*sent_ipns(), (url, body)][-HISTORY_LENGTH:], IPN_MEMORY_SECONDS)
    if sandbox_settings.PAYPAL_SEND_IPN:
        threading.Thread(target=deliver_ipn, args=(url, body), daemon=True, name="sandbox-paypal-ipn").start()
    return body


def ipn_postback_answer(body):
    """``VERIFIED`` when ``body`` is ``cmd=_notify-validate&`` + an IPN the sandbox sent, else ``INVALID``."""
    if body.startswith(POSTBACK_PREFIX) and cache.get(_ipn_key(body[len(POSTBACK_PREFIX) :])):
        return "VERIFIED"
    return "INVALID"


@method_decorator(csrf_exempt, name="dispatch")
class IpnVerifyView(View):
    """Answers the store's IPN post-back: ``VERIFIED`` for an IPN the sandbox sent, else ``INVALID``."""

    http_method_names = ["post"]

    def post(self, request):
        """Answer one post-back."""
        return HttpResponse(ipn_postback_answer(request.body), content_type="text/plain")
