"""The Amazon side of FPS, played locally: the Co-Branded UI pages and the FPS ``Pay`` endpoint.

It checks what Amazon checked: the caller's access key is registered, the request is signed
with Signature Version 2 / HmacSHA256 by that key's secret, the parameters make sense. It
shows a "SANDBOX" page where the tester pays or declines, then sends the browser back to the
``returnURL`` with ``status``, ``tokenID`` and ``callerReference`` signed the same way.

Tokens are self-describing (signed by Django's signing with this site's SECRET_KEY) so the
``Pay`` endpoint can check a token without a database; the ``Pay`` bookkeeping that makes a
retried ``Pay`` answer the original transaction lives in the cache.
"""

import base64
import hashlib
import hmac
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.money import to_money

from .conf import sandbox_settings

logger = logging.getLogger(__name__)

TOKEN_SALT = "coleman.payments.sandbox.amazon.token"  # noqa: S105 - a salt, not a secret
# How long the sandbox remembers a Pay by CallerReference (FPS: "within seven days").
PAY_MEMORY_SECONDS = 7 * 24 * 3600
# FPS refused requests whose Timestamp was more than 15 minutes off.
TIMESTAMP_TOLERANCE = timedelta(minutes=15)
HMAC_SHA256 = "HmacSHA256"
FPS_NAMESPACE = "http://fps.amazonaws.com/doc/2008-09-17/"


def aws_signature(secret, method, host, path_, params):
    """AWS Signature Version 2 as Amazon documented it, written here apart from the store's code.

    HMAC-SHA256 under the secret key of ``METHOD\\nhost\\npath\\nquery``, where the query is
    every parameter but the signature, RFC 3986-encoded (only ``A-Za-z0-9-_.~`` kept) and
    sorted by name; the digest is base64-encoded.
    """
    encoded = {quote(str(k), safe="-_.~"): quote(str(v), safe="-_.~") for k, v in params.items()}
    query = "&".join(f"{k}={encoded[k]}" for k in sorted(encoded) if k.lower() != "signature")
    message = "\n".join((method.upper(), host.lower(), path_ or "/", query))
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_by(secret, method, host, path_, params, signature):
    """True when ``signature`` is ``params``' Signature Version 2 under ``secret`` (constant time)."""
    expected = aws_signature(secret, method, host, path_, params)
    return bool(signature) and hmac.compare_digest(expected.encode(), str(signature).encode("utf-8", "replace"))


class CbuiRequestError(Exception):
    """The CBUI request is not acceptable; ``status`` is the HTTP status the page answers with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def sandbox_accounts():
    """``{access key: secret key}`` of the merchants the sandbox knows."""
    return dict(sandbox_settings.AMAZON_ACCOUNTS)


def _secret_for(access_key):
    if not access_key:
        return None
    for known, secret in sandbox_accounts().items():
        if hmac.compare_digest(known.encode(), str(access_key).encode("utf-8", "replace")):
            return secret
    return None


def validate_cbui_request(request, params):
    """Check a CBUI start request like Amazon did; return the caller's secret key.

    Raises :class:`CbuiRequestError` (403 for an unknown key or a bad signature, 400 for
    unusable parameters).
    """
    secret = _secret_for(params.get("callerKey"))
    if secret is None:
        raise CbuiRequestError("The callerKey is not a registered sandbox merchant.", status=403)
    if params.get("signatureMethod") != HMAC_SHA256 or params.get("signatureVersion") != "2":
        raise CbuiRequestError("Requests must be signed with signatureVersion 2 and HmacSHA256.", status=403)
    host, path_ = request.get_host().lower(), request.path
    if not signed_by(secret, "GET", host, path_, params, params.get("signature")):
        raise CbuiRequestError("The request signature does not match (wrong secret key or altered parameters).", 403)
    if params.get("pipelineName") != "SingleUse":
        raise CbuiRequestError("Only the SingleUse pipeline is played by the sandbox.")
    if not params.get("callerReference"):
        raise CbuiRequestError("callerReference is required.")
    return_url = params.get("returnURL", "")
    if urlsplit(return_url).scheme not in {"http", "https"} or not urlsplit(return_url).netloc:
        raise CbuiRequestError("returnURL must be an absolute http(s) URL.")
    try:
        amount = to_money(params.get("transactionAmount", ""))
    except ValueError:
        raise CbuiRequestError("transactionAmount is not an amount.") from None
    if amount <= 0:
        raise CbuiRequestError("transactionAmount must be positive.")
    return secret


def make_token(params):
    """A single-use payment token for the authorised request."""
    return signing.dumps(
        {
            "key": params["callerKey"],
            "ref": params["callerReference"],
            "amount": str(to_money(params["transactionAmount"])),
            "currency": params.get("currencyCode", "USD"),
        },
        salt=TOKEN_SALT,
    )


def read_token(token):
    """The data of a token this sandbox issued, or None."""
    try:
        return signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None


def signed_return_url(return_url, secret, *, status, caller_reference, token=""):
    """``return_url`` with Amazon's return parameters, signed over the return URL's host and path."""
    parts = urlsplit(return_url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    params.update(
        {
            "callerReference": caller_reference,
            "signatureMethod": HMAC_SHA256,
            "signatureVersion": "2",
            "status": status,
        }
    )
    if token:
        params["tokenID"] = token
    params["signature"] = aws_signature(secret, "GET", parts.netloc, parts.path, params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(params.items())), ""))


class CbuiView(View):
    """The Co-Branded UI start page: validate the signed request, then offer Pay / Decline."""

    template_name = "sandbox/amazon/cbui.html"
    error_template_name = "sandbox/amazon/error.html"

    def get(self, request):
        """Show the sandbox payment page, or the reason the request is refused."""
        params = request.GET.dict()
        try:
            validate_cbui_request(request, params)
        except CbuiRequestError as exc:
            logger.warning("Sandbox CBUI refused a request: %s", exc)
            return render(request, self.error_template_name, {"error": str(exc)}, status=exc.status)
        context = {
            "params": params,
            "amount": to_money(params["transactionAmount"]),
            "query": request.META.get("QUERY_STRING", ""),
        }
        return render(request, self.template_name, context)

    def post(self, request):
        """Pay or decline: re-check the signed request and send the browser back to the store."""
        query = request.POST.get("query", "")
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            secret = validate_cbui_request(request, params)
        except CbuiRequestError as exc:
            return render(request, self.error_template_name, {"error": str(exc)}, status=exc.status)
        if request.POST.get("decision") == "pay":
            url = signed_return_url(
                params["returnURL"],
                secret,
                status="SC",
                caller_reference=params["callerReference"],
                token=make_token(params),
            )
        else:
            url = signed_return_url(params["returnURL"], secret, status="A", caller_reference=params["callerReference"])
        return HttpResponseRedirect(url)


def error_document(code, message, status):
    """An FPS error answer."""
    request_id = hashlib.sha256(f"{code}{message}{datetime.now(UTC)}".encode()).hexdigest()[:36]
    body = (
        '<?xml version="1.0"?>\n<Response><Errors><Error>'
        f"<Code>{code}</Code><Message>{_escape(message)}</Message>"
        f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def transaction_document(action, transaction_id, status="Success"):
    """An FPS ``<action>Response`` (``PayResponse``, ``RefundResponse``)."""
    request_id = hashlib.sha256(f"{action}{transaction_id}".encode()).hexdigest()[:36]
    body = (
        f'<?xml version="1.0"?>\n<{action}Response xmlns="{FPS_NAMESPACE}"><{action}Result>'
        f"<TransactionId>{transaction_id}</TransactionId><TransactionStatus>{status}</TransactionStatus>"
        f"</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def pay_document(transaction_id, status="Success"):
    """An FPS ``PayResponse``."""
    return transaction_document("Pay", transaction_id, status)


def _escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _timestamp_ok(value):
    try:
        when = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            when = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return False
    return abs(datetime.now(UTC) - when) <= TIMESTAMP_TOLERANCE


@method_decorator(csrf_exempt, name="dispatch")
class FpsView(View):
    """The FPS API endpoint (GET or POST); plays the ``Pay`` action."""

    http_method_names = ["get", "post"]

    def get(self, request):
        """FPS accepted signed GET requests too."""
        return self.handle(request, request.GET.dict())

    def post(self, request):
        """The store's client posts its signed parameters."""
        return self.handle(request, request.POST.dict())

    def handle(self, request, params):
        """Answer one FPS request made over HTTP."""
        return handle_fps_request(request.method, request.get_host(), request.path, params)


def handle_fps_request(method, host, path_, params):
    """Authenticate an FPS request (signed for ``method`` ``host`` ``path_``) and dispatch on ``Action``."""
    secret = _secret_for(params.get("AWSAccessKeyId"))
    if secret is None:
        return error_document("InvalidAccessKeyId", "The AWS access key is not registered.", 403)
    if params.get("SignatureMethod") != HMAC_SHA256 or params.get("SignatureVersion") != "2":
        return error_document("InvalidParams", "Signature Version 2 with HmacSHA256 is required.", 400)
    if not signed_by(secret, method, host, path_, params, params.get("Signature")):
        return error_document("SignatureDoesNotMatch", "The request signature does not match.", 403)
    if not _timestamp_ok(params.get("Timestamp", "")):
        return error_document("RequestExpired", "Timestamp is missing or more than 15 minutes off.", 400)
    action = params.get("Action")
    if action == "Pay":
        return pay(params)
    if action == "Refund":
        return refund(params)
    return error_document("InvalidParams", f"Action {action!r} is not played here.", 400)


def pay(params):
    """Charge a token once; the same CallerReference with the same parameters answers the same."""
    token = read_token(params.get("SenderTokenId", ""))
    if token is None or token["key"] != params["AWSAccessKeyId"]:
        return error_document("InvalidTokenId", "The sender token is not valid.", 400)
    reference = params.get("CallerReference", "")
    if not reference:
        return error_document("InvalidParams", "CallerReference is required.", 400)
    try:
        amount = to_money(params.get("TransactionAmount.Value", ""))
    except ValueError:
        return error_document("InvalidParams", "TransactionAmount.Value is not an amount.", 400)
    currency = params.get("TransactionAmount.CurrencyCode", "")
    fingerprint = [params["SenderTokenId"], str(amount), currency]
    reference_key = f"sandbox:amazon:pay:{params['AWSAccessKeyId']}:{hashlib.sha256(reference.encode()).hexdigest()}"
    seen = cache.get(reference_key)
    if seen is not None:
        if seen["fingerprint"] != fingerprint:
            return error_document("DuplicateRequest", "CallerReference was used with other parameters.", 400)
        return pay_document(seen["transaction_id"])
    if currency != token["currency"]:
        return error_document("InvalidParams", "The currency differs from the authorised one.", 400)
    if amount <= 0 or amount > to_money(token["amount"]):
        return error_document("InvalidParams", "The amount exceeds what the buyer authorised.", 400)
    token_key = "sandbox:amazon:token-used:" + hashlib.sha256(params["SenderTokenId"].encode()).hexdigest()
    if not cache.add(token_key, reference, PAY_MEMORY_SECONDS):
        return error_document("TokenUsageError", "This single-use token was already charged.", 400)
    transaction_id = (
        hmac.new(
            settings.SECRET_KEY.encode(),
            f"{reference}|{params['SenderTokenId']}".encode(),
            hashlib.sha256,
        )
        .hexdigest()[:35]
        .upper()
    )
    cache.set(reference_key, {"fingerprint": fingerprint, "transaction_id": transaction_id}, PAY_MEMORY_SECONDS)
    cache.set(
        _transaction_key(transaction_id),
        {"key": params["AWSAccessKeyId"], "amount": str(amount), "currency": currency, "refunded": "0.00"},
        PAY_MEMORY_SECONDS,
    )
    logger.info("Sandbox FPS charged %s %s for %s (%s)", amount, currency, reference, transaction_id)
    return pay_document(transaction_id)


def _transaction_key(transaction_id):
    return "sandbox:amazon:txn:" + hashlib.sha256(transaction_id.encode("utf-8", "replace")).hexdigest()


def refund(params):
    """Refund (part of) a Pay transaction; the same CallerReference again answers the same."""
    reference = params.get("CallerReference", "")
    if not reference:
        return error_document("InvalidParams", "CallerReference is required.", 400)
    try:
        amount = to_money(params.get("RefundAmount.Value", ""))
    except ValueError:
        return error_document("InvalidParams", "RefundAmount.Value is not an amount.", 400)
    fingerprint = [params.get("TransactionId", ""), str(amount), params.get("RefundAmount.CurrencyCode", "")]
    reference_key = f"sandbox:amazon:refund:{params['AWSAccessKeyId']}:{hashlib.sha256(reference.encode()).hexdigest()}"
    seen = cache.get(reference_key)
    if seen is not None:
        if seen["fingerprint"] != fingerprint:
            return error_document("DuplicateRequest", "CallerReference was used with other parameters.", 400)
        return transaction_document("Refund", seen["transaction_id"])
    txn = cache.get(_transaction_key(params.get("TransactionId", "")))
    if txn is None or txn["key"] != params["AWSAccessKeyId"]:
        return error_document("InvalidTransactionId", "The transaction to refund is unknown.", 400)
    if fingerprint[2] != txn["currency"]:
        return error_document("InvalidParams", "The currency differs from the payment's.", 400)
    if amount <= 0 or to_money(txn["refunded"]) + amount > to_money(txn["amount"]):
        return error_document("InvalidParams", "The refund exceeds what is left of the payment.", 400)
    txn["refunded"] = str(to_money(txn["refunded"]) + amount)
    cache.set(_transaction_key(params["TransactionId"]), txn, PAY_MEMORY_SECONDS)
    refund_id = (
        hmac.new(settings.SECRET_KEY.encode(), f"refund|{reference}".encode(), hashlib.sha256).hexdigest()[:35].upper()
    )
    cache.set(reference_key, {"fingerprint": fingerprint, "transaction_id": refund_id}, PAY_MEMORY_SECONDS)
    return transaction_document("Refund", refund_id)


urlpatterns = [
    path("cbui/", CbuiView.as_view(), name="amazon-cbui"),
    path("fps/", FpsView.as_view(), name="amazon-fps"),
]
