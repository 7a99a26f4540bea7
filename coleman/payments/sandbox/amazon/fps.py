"""The FPS API endpoint, played locally: authentication, then one function per ``Action``.

Every request is checked as FPS checked it: a registered ``AWSAccessKeyId``, Signature
Version 2 / HmacSHA256 under that key's secret over this endpoint's host and path, a
``Timestamp`` within 15 minutes, a ``Version`` FPS served (the answer is in that version's
namespace). Actions played: ``Pay``, ``Refund``, ``GetTransactionStatus``,
``VerifySignature`` (for the store to check a return or IPN signed by "Amazon"), and the
aggregated payments' ``FundPrepaid``, ``GetPrepaidBalance``, ``SettleDebt``,
``WriteOffDebt``, ``GetDebtBalance`` (:mod:`.aggregated`).
"""

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.money import to_money

from . import aggregated, ipn, ledger
from .cbui import read_token, secret_for
from .documents import FPS_VERSIONS, error_document, response_document
from .signing import HMAC_SHA256, key_pair, signed_by, verify_outbound

logger = logging.getLogger(__name__)

# FPS refused requests whose Timestamp was more than 15 minutes off.
TIMESTAMP_TOLERANCE = timedelta(minutes=15)


def _timestamp_ok(value):
    for layout in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            when = datetime.strptime(value, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
        return abs(datetime.now(UTC) - when) <= TIMESTAMP_TOLERANCE
    return False


def amount_param(params, name):
    """``params[name]`` as money, or None when it is not an amount."""
    try:
        return to_money(params.get(name, ""))
    except ValueError:
        return None


@method_decorator(csrf_exempt, name="dispatch")
class FpsView(View):
    """The FPS API endpoint (GET or POST)."""

    http_method_names = ["get", "post"]

    def get(self, request):
        """FPS accepted signed GET requests too."""
        return self.handle(request, request.GET.dict())

    def post(self, request):
        """The store's client posts its signed parameters."""
        return self.handle(request, request.POST.dict())

    def handle(self, request, params):
        """Answer one FPS request made over HTTP; then an IPN for each transaction it made or completed."""
        certificate_path = reverse("sandbox:amazon-cert")
        saved, token = ledger.collecting()
        try:
            response = handle_fps_request(request.method, request.get_host(), request.path, params, certificate_path)
        finally:
            ledger.stop_collecting(token)
        for transaction_id, txn in saved.items():
            ipn.notify(request, transaction_id, txn)
        return response


class CertificateView(View):
    """The public certificate whose key signs the sandbox's returns and IPNs (``certificateUrl``)."""

    def get(self, request):
        """The PEM certificate."""
        _, pem = key_pair()
        return HttpResponse(pem, content_type="application/x-pem-file")


def handle_fps_request(method, host, path_, params, certificate_path="/sandbox/amazon/certs/sandbox/PKICert.pem"):
    """Authenticate an FPS request (signed for ``method`` ``host`` ``path_``) and dispatch on ``Action``."""
    secret = secret_for(params.get("AWSAccessKeyId"))
    if secret is None:
        return error_document("InvalidAccessKeyId", "The AWS access key is not registered.", 403)
    if params.get("SignatureMethod") != HMAC_SHA256 or params.get("SignatureVersion") != "2":
        return error_document("InvalidParams", "Signature Version 2 with HmacSHA256 is required.", 400)
    if not signed_by(secret, method, host, path_, params, params.get("Signature")):
        return error_document("SignatureDoesNotMatch", "The request signature does not match.", 403)
    if not _timestamp_ok(params.get("Timestamp", "")):
        return error_document("RequestExpired", "Timestamp is missing or more than 15 minutes off.", 400)
    if params.get("Version") not in FPS_VERSIONS:
        return error_document("NoSuchVersion", f"FPS serves the versions {', '.join(FPS_VERSIONS)}.", 400)
    action = params.get("Action")
    if action == "VerifySignature":
        return verify_signature(params, certificate_path)
    handler = ACTIONS.get(action) or aggregated.ACTIONS.get(action)
    if handler is None:
        return error_document("InvalidParams", f"Action {action!r} is not played here.", 400)
    return handler(params)


def pay(params):
    """Charge a sender token once; the same CallerReference with the same parameters answers the same.

    A single-use token pays at most its authorised amount, once; a prepaid token at most the
    instrument's balance; a credit token at most the per-purchase global limit and the credit
    left under the credit limit.
    """
    token = read_token(params.get("SenderTokenId", ""))
    if token is None or token["key"] != params["AWSAccessKeyId"]:
        return error_document("InvalidTokenId_Sender", "The sender token is not valid.", 400)
    amount = amount_param(params, "TransactionAmount.Value")
    if amount is None or amount <= 0:
        return error_document("InvalidParams", "TransactionAmount.Value is not a positive amount.", 400)
    currency = params.get("TransactionAmount.CurrencyCode", "")
    reference = params.get("CallerReference", "")

    def run():
        kind = token.get("t", "single")
        if kind == "single":
            refused = _single_use(token, params, amount, currency, reference)
        elif kind in {"prepaid", "credit"}:
            refused = aggregated.spend(token, amount, currency)
        else:
            refused = error_document("InvalidTokenType", "This token cannot be used to pay.", 400)
        if refused is not None:
            return refused
        transaction_id = ledger.new_transaction_id("pay", params["AWSAccessKeyId"], reference)
        ledger.save_transaction(
            transaction_id,
            {
                "key": params["AWSAccessKeyId"],
                "action": "Pay",
                "reference": reference,
                "amount": str(amount),
                "currency": currency,
                "refunded": "0.00",
                "status": "Success",
                "instrument": token.get("i", ""),
            },
        )
        logger.info("Sandbox FPS charged %s %s for %s (%s)", amount, currency, reference, transaction_id)
        return transaction_id, "Success"

    return ledger.once("Pay", params, [params["SenderTokenId"], str(amount), currency], run)


def _single_use(token, params, amount, currency, reference):
    if currency != token["currency"]:
        return error_document("InvalidParams", "The currency differs from the authorised one.", 400)
    if amount > to_money(token["amount"]):
        return error_document("AmountOutOfRange", "The amount exceeds what the buyer authorised.", 400)
    if not cache.add("sandbox:amazon:used:" + params["SenderTokenId"][-64:], reference, ledger.MEMORY_SECONDS):
        return error_document("TokenUsageError", "This single-use token was already charged.", 400)
    return None


def refund(params):
    """Refund (part of) a Pay transaction; the same CallerReference again answers the same."""
    amount = amount_param(params, "RefundAmount.Value")
    if amount is None:
        return error_document("InvalidParams", "RefundAmount.Value is not an amount.", 400)
    currency = params.get("RefundAmount.CurrencyCode", "")
    transaction_id = params.get("TransactionId", "")

    def run():
        txn = ledger.get_transaction(transaction_id)
        if txn is None or txn["key"] != params["AWSAccessKeyId"] or txn["action"] != "Pay":
            return error_document("InvalidTransactionId", "The transaction to refund is unknown.", 400)
        if currency != txn["currency"]:
            return error_document("InvalidParams", "The currency differs from the payment's.", 400)
        if amount <= 0 or to_money(txn["refunded"]) + amount > to_money(txn["amount"]):
            return error_document("RefundAmountExceeded", "The refund exceeds what is left of the payment.", 400)
        refunded = str(to_money(txn["refunded"]) + amount)
        ledger.save_transaction(transaction_id, {**txn, "refunded": refunded}, news=False)
        refund_id = ledger.new_transaction_id("refund", params["AWSAccessKeyId"], params["CallerReference"])
        ledger.save_transaction(
            refund_id,
            {**txn, "action": "Refund", "reference": params["CallerReference"], "amount": str(amount)},
        )
        return refund_id, "Success"

    return ledger.once("Refund", params, [transaction_id, str(amount), currency], run)


def get_transaction_status(params):
    """Where a transaction of this merchant stands (``GetTransactionStatus``).

    A Pending transaction (a settlement) completes when it is asked about: the sandbox's bank
    clears at once.
    """
    txn = ledger.get_transaction(params.get("TransactionId", ""))
    if txn is None or txn["key"] != params["AWSAccessKeyId"]:
        return error_document("InvalidTransactionId", "The transaction is unknown.", 400)
    if txn["status"] == "Pending":
        txn["status"] = "Success"
        ledger.save_transaction(params["TransactionId"], txn)
    return response_document(
        "GetTransactionStatus",
        params["Version"],
        {
            "TransactionId": params["TransactionId"],
            "TransactionStatus": txn["status"],
            "CallerReference": txn["reference"],
            "StatusCode": "Success" if txn["status"] == "Success" else "PendingNetworkResponse",
            "StatusMessage": f"The {txn['action']} transaction is {txn['status']}.",
        },
    )


def verify_signature(params, certificate_path):
    """Check a return or IPN "Amazon" signed (``UrlEndPoint``, ``HttpParameters``): Success or Failure.

    The message was signed for a GET of the return URL or a POST of the IPN URL; either is
    accepted. It must name this sandbox's certificate.
    """
    endpoint = params.get("UrlEndPoint", "")
    if urlsplit(endpoint).scheme not in {"http", "https"} or not params.get("HttpParameters"):
        return error_document("InvalidParams", "UrlEndPoint and HttpParameters are required.", 400)
    message = dict(parse_qsl(params["HttpParameters"], keep_blank_values=True))
    ours = urlsplit(message.get("certificateUrl", "")).path == certificate_path
    verified = ours and any(verify_outbound(verb, endpoint, message) for verb in ("GET", "POST"))
    return response_document(
        "VerifySignature", params["Version"], {"VerificationStatus": "Success" if verified else "Failure"}
    )


ACTIONS = {"Pay": pay, "Refund": refund, "GetTransactionStatus": get_transaction_status}

__all__ = ["CertificateView", "FpsView", "handle_fps_request"]
