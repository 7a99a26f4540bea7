"""The Co-Branded UI, played locally: the page where the shopper authorises a token.

It checks what Amazon checked: the caller's access key is registered, the request is signed
with Signature Version 2 / HmacSHA256 by that key's secret, the pipeline's parameters make
sense. It shows a "SANDBOX" page where the tester pays or declines, then sends the browser
back to the ``returnURL`` with the pipeline's answer, signed as Amazon signed its returns:
RSA-SHA1 with Amazon's key and a ``certificateUrl`` (see :mod:`.signing`).

Pipelines: ``SingleUse`` (``tokenID``), ``SetupPrepaid`` (``fundingTokenID``,
``prepaidInstrumentID``, ``prepaidSenderTokenID``) and ``SetupPostpaid``
(``creditInstrumentID``, ``creditSenderTokenID``, ``settlementTokenID``). Tokens are
self-describing (signed with Django's signing and this site's SECRET_KEY), so FPS can read
them without a database; balances live in the cache (:mod:`.ledger`).
"""

import hashlib
import hmac
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from coleman.core.money import to_money

from ..conf import sandbox_settings
from . import ledger
from .signing import HMAC_SHA256, outbound_signed, signed_by

logger = logging.getLogger(__name__)

TOKEN_SALT = "coleman.payments.sandbox.amazon.token"  # noqa: S105 - a salt, not a secret
PIPELINES = ("SingleUse", "SetupPrepaid", "SetupPostpaid")
#: Payment methods a CBUI request may offer (``paymentMethod``): Amazon balance, bank, card.
PAYMENT_METHODS = frozenset({"ABT", "ACH", "CC"})


class CbuiRequestError(Exception):
    """The CBUI request is not acceptable; ``status`` is the HTTP status the page answers with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def secret_for(access_key):
    """The secret key of the registered sandbox merchant ``access_key``, or None."""
    if not access_key:
        return None
    for known, secret in dict(sandbox_settings.AMAZON_ACCOUNTS).items():
        if hmac.compare_digest(known.encode(), str(access_key).encode("utf-8", "replace")):
            return secret
    return None


def _positive_amount(params, name):
    try:
        value = to_money(params.get(name, ""))
    except ValueError:
        raise CbuiRequestError(f"{name} is not an amount.") from None
    if value <= 0:
        raise CbuiRequestError(f"{name} must be positive.")
    return value


def validate_cbui_request(request, params):
    """Check a CBUI start request like Amazon did; return the caller's secret key.

    Raises :class:`CbuiRequestError` (403 for an unknown key or a bad signature, 400 for
    unusable parameters).
    """
    secret = secret_for(params.get("callerKey"))
    if secret is None:
        raise CbuiRequestError("The callerKey is not a registered sandbox merchant.", status=403)
    if params.get("signatureMethod") != HMAC_SHA256 or params.get("signatureVersion") != "2":
        raise CbuiRequestError("Requests must be signed with signatureVersion 2 and HmacSHA256.", status=403)
    if not signed_by(secret, "GET", request.get_host(), request.path, params, params.get("signature")):
        raise CbuiRequestError("The request signature does not match (wrong secret key or altered parameters).", 403)
    pipeline = params.get("pipelineName")
    if pipeline not in PIPELINES:
        raise CbuiRequestError(f"The sandbox plays the pipelines {', '.join(PIPELINES)}.")
    methods = params.get("paymentMethod")
    if methods is not None and (not methods or not set(methods.split(",")) <= PAYMENT_METHODS):
        raise CbuiRequestError("paymentMethod must list ABT, ACH or CC, separated by commas.")
    return_url = urlsplit(params.get("returnURL", ""))
    if return_url.scheme not in {"http", "https"} or not return_url.netloc:
        raise CbuiRequestError("returnURL must be an absolute http(s) URL.")
    if pipeline == "SingleUse":
        if not params.get("callerReference"):
            raise CbuiRequestError("callerReference is required.")
        _positive_amount(params, "transactionAmount")
    elif pipeline == "SetupPrepaid":
        if not params.get("callerReferenceSender") or not params.get("callerReferenceFunding"):
            raise CbuiRequestError("callerReferenceSender and callerReferenceFunding are required.")
        _positive_amount(params, "fundingAmount")
    else:
        if not params.get("callerReferenceSender") or not params.get("callerReferenceSettlement"):
            raise CbuiRequestError("callerReferenceSender and callerReferenceSettlement are required.")
        if _positive_amount(params, "globalAmountLimit") > _positive_amount(params, "creditLimit"):
            raise CbuiRequestError("globalAmountLimit cannot be more than creditLimit.")
    return secret


def make_token(data):
    """A token carrying ``data`` (readable by :func:`read_token` on this site only)."""
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def read_token(token):
    """The data of a token this sandbox issued, or None."""
    try:
        return signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None


def instrument_id(prefix, *parts):
    """A stable instrument id for the references that set it up (the same CBUI twice, the same id)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), "|".join(parts).encode(), hashlib.sha256).hexdigest()
    return prefix + digest[:30].upper()


def authorised_fields(params):
    """What Amazon adds to the return URL when the shopper authorises ``params``' pipeline."""
    key, currency = params["callerKey"], params.get("currencyCode", "USD")
    pipeline = params["pipelineName"]
    if pipeline == "SingleUse":
        amount = str(to_money(params["transactionAmount"]))
        token = make_token({"key": key, "ref": params["callerReference"], "amount": amount, "currency": currency})
        return {"callerReference": params["callerReference"], "tokenID": token}
    sender = params["callerReferenceSender"]
    if pipeline == "SetupPrepaid":
        instrument = instrument_id("PI", key, sender, params["callerReferenceFunding"])
        ledger.open_prepaid(instrument, key=key, currency=currency)
        funding = str(to_money(params["fundingAmount"]))
        return {
            "callerReferenceSender": sender,
            "callerReferenceFunding": params["callerReferenceFunding"],
            "prepaidInstrumentID": instrument,
            "fundingTokenID": make_token({"t": "fund", "i": instrument, "key": key, "amount": funding}),
            "prepaidSenderTokenID": make_token({"t": "prepaid", "i": instrument, "key": key}),
        }
    instrument = instrument_id("CI", key, sender, params["callerReferenceSettlement"])
    ledger.open_credit(
        instrument,
        key=key,
        currency=currency,
        limit=str(to_money(params["creditLimit"])),
        global_limit=str(to_money(params["globalAmountLimit"])),
    )
    return {
        "callerReferenceSender": sender,
        "callerReferenceSettlement": params["callerReferenceSettlement"],
        "creditInstrumentID": instrument,
        "creditSenderTokenID": make_token({"t": "credit", "i": instrument, "key": key}),
        "settlementTokenID": make_token({"t": "settle", "i": instrument, "key": key}),
    }


def declined_fields(params):
    """What Amazon adds to the return URL when the shopper aborts (status A): the references only."""
    names = ("callerReference", "callerReferenceSender", "callerReferenceFunding", "callerReferenceSettlement")
    return {name: params[name] for name in names if params.get(name)}


def signed_return_url(request, return_url, fields):
    """``return_url`` with ``fields`` added, signed as Amazon signed returns (RSA-SHA1, certificateUrl)."""
    parts = urlsplit(return_url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    params.update(fields)
    certificate_url = request.build_absolute_uri(reverse("sandbox:amazon-cert"))
    signed = outbound_signed(params, method="GET", url=return_url, certificate_url=certificate_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sorted(signed.items())), ""))


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
        amount_field = {"SingleUse": "transactionAmount", "SetupPrepaid": "fundingAmount"}.get(
            params["pipelineName"], "creditLimit"
        )
        context = {
            "params": params,
            "pipeline": params["pipelineName"],
            "amount": to_money(params[amount_field]),
            "reference": params.get("callerReference") or params.get("callerReferenceSender"),
            "methods": (params.get("paymentMethod") or "ABT,ACH,CC").split(","),
            "query": request.META.get("QUERY_STRING", ""),
        }
        return render(request, self.template_name, context)

    def post(self, request):
        """Pay or decline: re-check the signed request and send the browser back to the store."""
        params = dict(parse_qsl(request.POST.get("query", ""), keep_blank_values=True))
        try:
            validate_cbui_request(request, params)
        except CbuiRequestError as exc:
            return render(request, self.error_template_name, {"error": str(exc)}, status=exc.status)
        if request.POST.get("decision") == "pay":
            fields = {"status": "SC", **authorised_fields(params)}
        else:
            fields = {"status": "A", **declined_fields(params)}
        return HttpResponseRedirect(signed_return_url(request, params["returnURL"], fields))


__all__ = [
    "PAYMENT_METHODS",
    "PIPELINES",
    "CbuiRequestError",
    "CbuiView",
    "authorised_fields",
    "instrument_id",
    "make_token",
    "read_token",
    "secret_for",
    "signed_return_url",
    "validate_cbui_request",
]
