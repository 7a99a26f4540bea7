"""The Stripe sandbox's webhooks: events signed as Stripe signs them, posted to the store.

A ``Stripe-Signature`` header is ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>" under the
endpoint secret>`` (stripe.com/docs/webhooks#verify-manually); :func:`signature_header` writes it
in these few lines, sharing nothing with the store. Every event sent is kept (:func:`sent_events`,
like the Dashboard's event list) so it can be sent again: :func:`resend` replays an event with a
fresh signature (the same event id), with a timestamp older than the store's tolerance
(``stale``), or signed with the wrong secret (``bad-signature``), so tests and developers can
watch the store refuse them. ``POST events/<id>/resend/`` does the same over HTTP.
"""

import hashlib
import hmac
import json
import logging
import time

from django.core.cache import cache
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.payments.exceptions import GatewayError
from coleman.payments.http import gateway_session

from ..conf import sandbox_settings
from .api import STATE_SECONDS, ApiError, account_for, new_id

logger = logging.getLogger("coleman.payments.sandbox.stripe")

API_VERSION = "2025-09-30.clover"
HISTORY_KEY = "sandbox:stripe:event-history"
HISTORY_LENGTH = 50
#: How far in the past a ``stale`` resend is signed: beyond Stripe's default 300-second tolerance.
STALE_SECONDS = 600
MODES = ("", "stale", "bad-signature")


def signature_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` of ``payload`` signed with ``secret`` at ``timestamp``."""
    signed = str(timestamp).encode() + b"." + payload
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _event_key(event_id):
    return "sandbox:stripe:event:" + hashlib.sha256(event_id.encode("utf-8", "replace")).hexdigest()


def make_event(kind, obj):
    """A Stripe event of type ``kind`` about ``obj`` (an API object as the API answers it)."""
    return {
        "id": new_id("evt_test_"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": kind,
        "data": {"object": obj},
    }


def post_event(url, payload: bytes, header: str):
    """POST one signed payload to the store; its HTTP status (0 when it could not be reached)."""
    try:
        response = gateway_session("The store").post(
            url,
            data=payload,
            headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header},
        )
    except GatewayError as exc:
        logger.warning("Sandbox Stripe could not deliver an event to %s: %s", url, exc)
        return 0
    if response.status_code != 200:
        logger.warning("Sandbox Stripe event to %s answered %s.", url, response.status_code)
    return response.status_code


def send(account_key, url, event, *, timestamp=None, secret=None):
    """Record ``event`` for ``account_key`` and post it to ``url`` signed with the account's
    endpoint secret (or ``secret``); returns the store's HTTP status (None when not posted)."""
    payload = json.dumps(event).encode("utf-8")
    record = {"id": event["id"], "type": event["type"], "account": account_key, "url": url, "payload": payload}
    cache.set(_event_key(event["id"]), record, STATE_SECONDS)
    cache.set(HISTORY_KEY, [*cache.get(HISTORY_KEY, []), event["id"]][-HISTORY_LENGTH:], STATE_SECONDS)
    if not url or not sandbox_settings.STRIPE_SEND_WEBHOOKS:
        return None
    return deliver(record, timestamp=timestamp, secret=secret)


def deliver(record, *, timestamp=None, secret=None):
    """Sign a recorded event now (or at ``timestamp``, with ``secret``) and post it; the HTTP status."""
    endpoint_secret = dict(sandbox_settings.STRIPE_ACCOUNTS)[record["account"]]["webhook_secret"]
    when = int(time.time()) if timestamp is None else timestamp
    header = signature_header(record["payload"], secret or endpoint_secret, when)
    return post_event(record["url"], record["payload"], header)


def sent_events():
    """The events the sandbox sent, oldest first: dicts of id, type, account, url and payload."""
    records = (cache.get(_event_key(event_id)) for event_id in cache.get(HISTORY_KEY, []))
    return [record for record in records if record is not None]


def resend(event_id, mode="", *, account_key=None):
    """Post a sent event again: ``""`` replays it (fresh signature, same id), ``"stale"`` signs it
    :data:`STALE_SECONDS` in the past, ``"bad-signature"`` signs it with the wrong secret."""
    record = cache.get(_event_key(event_id))
    if record is None or (account_key is not None and record["account"] != account_key):
        raise ApiError(f"No such event: '{event_id}'", status=404, code="resource_missing")
    if mode not in MODES:
        raise ApiError(f"mode must be one of {MODES}.", param="mode")
    timestamp = int(time.time()) - STALE_SECONDS if mode == "stale" else None
    secret = "whsec_forged_" + new_id("", 16) if mode == "bad-signature" else None
    return deliver(record, timestamp=timestamp, secret=secret)


@method_decorator(csrf_exempt, name="dispatch")
class ResendView(View):
    """``POST events/<id>/resend/`` (``mode`` = "", ``stale`` or ``bad-signature``), with the secret key."""

    http_method_names = ["post"]

    def post(self, request, event_id):
        """Resend the event; answer what the store answered."""
        try:
            api_key, _account = account_for(request.headers.get("Authorization"))
            status = resend(event_id, request.POST.get("mode", ""), account_key=api_key)
        except ApiError as exc:
            return exc.response()
        return JsonResponse({"id": event_id, "object": "event_delivery", "store_status": status})
