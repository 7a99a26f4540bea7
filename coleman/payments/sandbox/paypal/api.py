"""The PayPal sandbox's NVP API: ``SetExpressCheckout``, ``GetExpressCheckoutDetails``,
``DoExpressCheckoutPayment`` and ``RefundTransaction``, as PayPal answered them.

Credentials, amounts, tokens and payers are checked as PayPal checked them; answers are NVP
bodies with PayPal's error codes. A payment sends its IPN (``ipn.send_ipn``).
"""

import hashlib
import hmac
import logging
import re
import secrets
import string
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.money import to_money

from ..conf import sandbox_settings
from .ipn import send_ipn

logger = logging.getLogger("coleman.payments.sandbox.paypal")

#: The version the sandbox answers in when a call names none (the store asks for 124.0).
NVP_VERSION = "124.0"
VERSION_PATTERN = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")
#: The BUILD an answer reports (PayPal's were numbers such as 18308402; this one is made up).
SANDBOX_BUILD = "1000001"
#: IPN times are Pacific time, as PayPal wrote them.
PACIFIC = ZoneInfo("America/Los_Angeles")
# PayPal's error code for a second DoExpressCheckoutPayment of a paid token.
ERROR_ALREADY_COMPLETED = "10415"
# NVP messages are a few kilobytes.
MAX_NVP_BYTES = 64 * 1024

STATE_SECONDS = 3 * 3600
ALPHABET = string.ascii_uppercase + string.digits


def token_key(token):
    """The cache key of an Express Checkout token's state."""
    return "sandbox:paypal:token:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _txn_key(txn_id):
    return "sandbox:paypal:txn:" + hashlib.sha256(txn_id.encode("utf-8", "replace")).hexdigest()


def random_code(length):
    """A random code of upper-case letters and digits (tokens, payer and transaction ids)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def authenticate(params):
    """The sandbox merchant account matching ``USER``/``PWD``/``SIGNATURE``, or None."""
    user = params.get("USER", "")
    account = dict(sandbox_settings.PAYPAL_ACCOUNTS).get(user)
    if account is None:
        return None
    password_ok = hmac.compare_digest(account["password"].encode(), params.get("PWD", "").encode())
    signature_ok = hmac.compare_digest(account["signature"].encode(), params.get("SIGNATURE", "").encode())
    return {"user": user, **account} if password_ok and signature_ok else None


def failure(code, short, long, **extra):
    """The fields of an ``ACK=Failure`` answer (PayPal answers API errors with HTTP 200)."""
    return {
        "ACK": "Failure",
        "L_ERRORCODE0": code,
        "L_SHORTMESSAGE0": short,
        "L_LONGMESSAGE0": long,
        "L_SEVERITYCODE0": "Error",
        **extra,
    }


def nvp_response(fields, *, version=NVP_VERSION):
    """An NVP answer: ``fields`` after PayPal's bookkeeping fields, as PayPal sent them.

    ``TIMESTAMP`` (UTC, ``2009-02-03T17:47:41Z``), ``CORRELATIONID`` (what PayPal's support
    asks for), ``ACK`` comes with ``fields``, ``VERSION`` echoes the version the caller asked
    for, and ``BUILD`` names the build of the service that answered.
    """
    bookkeeping = {
        "TIMESTAMP": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "CORRELATIONID": secrets.token_hex(7)[:13],
        **fields,
        "VERSION": version,
        "BUILD": SANDBOX_BUILD,
    }
    return HttpResponse(urlencode(list(bookkeeping.items())), content_type="text/plain; charset=utf-8")


def requested_version(params):
    """The ``VERSION`` the caller asked for (PayPal answers in it), or ours when it names none."""
    version = (params or {}).get("VERSION", "").strip()
    return version if VERSION_PATTERN.fullmatch(version) else NVP_VERSION


def _amount(params, name, *, negative=False):
    try:
        value = to_money(params.get(name, ""))
    except ValueError:
        return None
    return value if negative or value >= 0 else None


def read_nvp(body):
    """An NVP request body as a dict, or None when it is not one (bad encoding, repeated names)."""
    if len(body) > MAX_NVP_BYTES:
        return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    params = dict(pairs)
    return params if len(params) == len(pairs) else None


def payment_date(now=None):
    """A time as IPNs wrote it: Pacific time, ``10:15:01 Nov 29, 2026 PST``."""
    now = timezone.localtime(now or timezone.now(), PACIFIC)
    return now.strftime("%H:%M:%S %b %d, %Y ") + (now.tzname() or "PST")


def payment_ipn(state, merchant, transaction_id):
    """The IPN PayPal posted after an Express Checkout payment, with the fields it carried.

    From PayPal's IPN and PDT Variables reference (``notify_version`` 3.9): transaction,
    buyer, payment and bookkeeping fields. ``charset`` names the encoding the sandbox then
    uses for the whole message (:func:`~.ipn.send_ipn`); ``verify_sign`` is an opaque
    signature the merchant passes on untouched (the post-back is what authenticates).
    """
    buyer = sandbox_settings.PAYPAL_BUYER
    return {
        "mc_gross": state["amount"],
        "invoice": state["invoice"],
        "protection_eligibility": "Eligible",
        "payer_id": state["payer_id"],
        "tax": "0.00",
        "payment_date": payment_date(),
        "payment_status": "Completed",
        "charset": sandbox_settings.PAYPAL_IPN_CHARSET,
        "first_name": buyer["first_name"],
        "mc_fee": str(to_money(Decimal(state["amount"]) * Decimal("0.029") + Decimal("0.30"))),
        "notify_version": "3.9",
        "custom": "",
        "payer_status": "verified",
        "business": merchant["email"],
        "quantity": "1",
        "verify_sign": secrets.token_urlsafe(42)[:56],
        "payer_email": buyer["email"],
        "txn_id": transaction_id,
        "payment_type": "instant",
        "last_name": buyer["last_name"],
        "receiver_email": merchant["email"],
        "receiver_id": hashlib.sha256(merchant["user"].encode()).hexdigest()[:13].upper(),
        "txn_type": "express_checkout",
        "item_name": state["description"][:127],
        "mc_currency": state["currency"],
        "residence_country": buyer["country"],
        "test_ipn": "1",
        "transaction_subject": state["description"][:127],
        "payment_gross": state["amount"] if state["currency"] == "USD" else "",
        "ipn_track_id": random_code(13).lower(),
    }


@method_decorator(csrf_exempt, name="dispatch")
class NvpView(View):
    """The NVP API endpoint: ``SetExpressCheckout``, ``GetExpressCheckoutDetails``,
    ``DoExpressCheckoutPayment`` and ``RefundTransaction``."""

    http_method_names = ["post"]

    def post(self, request):
        """Answer one NVP call made over HTTP."""
        return self.handle(request.body)

    def handle(self, body):
        """Authenticate the merchant, dispatch on ``METHOD``, answer in the requested ``VERSION``."""
        params = read_nvp(body)
        return nvp_response(self.fields(params), version=requested_version(params))

    def fields(self, params):
        """The answer's own fields for the request ``params`` (None: not an NVP message)."""
        if params is None:
            return failure("10001", "Internal Error", "The request is not a valid NVP message.")
        merchant = authenticate(params)
        if merchant is None:
            logger.warning("Sandbox PayPal refused API credentials for USER=%r", params.get("USER", "")[:80])
            return failure("10002", "Security error", "Security header is not valid")
        handler = {
            "SetExpressCheckout": self.set_express_checkout,
            "GetExpressCheckoutDetails": self.get_express_checkout_details,
            "DoExpressCheckoutPayment": self.do_express_checkout_payment,
            "RefundTransaction": self.refund_transaction,
        }.get(params.get("METHOD", ""))
        if handler is None:
            return failure("81002", "Unspecified Method", "Method Specified is not Supported")
        return handler(params, merchant)

    def set_express_checkout(self, params, merchant):
        """Check the amounts and URLs, remember the checkout, answer a token."""
        total = _amount(params, "PAYMENTREQUEST_0_AMT")
        items = _amount(params, "PAYMENTREQUEST_0_ITEMAMT")
        shipping = _amount(params, "PAYMENTREQUEST_0_SHIPPINGAMT") or Decimal("0.00")
        tax = _amount(params, "PAYMENTREQUEST_0_TAXAMT") or Decimal("0.00")
        if total is None or total <= 0:
            return failure("10401", "Transaction refused because of an invalid argument.", "Order total is invalid.")
        if items is not None and items + shipping + tax != total:
            return failure(
                "10413",
                "Transaction refused because of an invalid argument.",
                "The totals of the cart item amounts do not match order amounts.",
            )
        lines_total = Decimal("0.00")
        index = 0
        while f"L_PAYMENTREQUEST_0_AMT{index}" in params:
            # Discounts are negative lines (PayPal accepts them as long as the items add up).
            line_amount = _amount(params, f"L_PAYMENTREQUEST_0_AMT{index}", negative=True)
            try:
                quantity = int(params.get(f"L_PAYMENTREQUEST_0_QTY{index}", "1"))
            except ValueError:
                quantity = -1
            if line_amount is None or quantity < 1:
                return failure("10431", "Item amount is invalid.", f"Line {index} has an invalid amount or quantity.")
            lines_total += line_amount * quantity
            index += 1
        if index and items is not None and lines_total != items:
            return failure(
                "10413",
                "Transaction refused because of an invalid argument.",
                "The totals of the cart item amounts do not match order amounts.",
            )
        for name in ("RETURNURL", "CANCELURL"):
            parts = urlsplit(params.get(name, ""))
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                return failure(
                    "10472" if name == "CANCELURL" else "10471", f"{name} is invalid.", f"{name} is invalid."
                )
        token = "EC-" + random_code(17)
        state = {
            "merchant": merchant["user"],
            "amount": str(total),
            "currency": params.get("PAYMENTREQUEST_0_CURRENCYCODE", "USD"),
            "invoice": params.get("PAYMENTREQUEST_0_INVNUM", ""),
            "description": params.get("PAYMENTREQUEST_0_DESC", ""),
            "return_url": params["RETURNURL"],
            "cancel_url": params["CANCELURL"],
            "notify_url": params.get("PAYMENTREQUEST_0_NOTIFYURL", ""),
            "payer_id": "",
            "status": "PaymentActionNotInitiated",
            "transaction_id": "",
        }
        cache.set(token_key(token), state, STATE_SECONDS)
        return {"ACK": "Success", "TOKEN": token}

    def _checkout(self, params, merchant):
        state = cache.get(token_key(params.get("TOKEN", "")))
        if state is None or state["merchant"] != merchant["user"]:
            return None
        return state

    def get_express_checkout_details(self, params, merchant):
        """Who approved which checkout, for how much."""
        state = self._checkout(params, merchant)
        if state is None:
            return failure("10410", "Invalid token", "Invalid token.")
        fields = {
            "ACK": "Success",
            "TOKEN": params["TOKEN"],
            "CHECKOUTSTATUS": state["status"],
            "PAYMENTREQUEST_0_AMT": state["amount"],
            "PAYMENTREQUEST_0_CURRENCYCODE": state["currency"],
            "PAYMENTREQUEST_0_INVNUM": state["invoice"],
            # PayPal repeated the first payment's fields under their pre-63.0 names.
            "AMT": state["amount"],
            "CURRENCYCODE": state["currency"],
            "INVNUM": state["invoice"],
        }
        if state["payer_id"]:
            fields.update(
                {
                    "PAYERID": state["payer_id"],
                    "PAYERSTATUS": "verified",
                    "EMAIL": sandbox_settings.PAYPAL_BUYER["email"],
                    "FIRSTNAME": sandbox_settings.PAYPAL_BUYER["first_name"],
                    "LASTNAME": sandbox_settings.PAYPAL_BUYER["last_name"],
                    "COUNTRYCODE": sandbox_settings.PAYPAL_BUYER["country"],
                }
            )
        return fields

    def do_express_checkout_payment(self, params, merchant):
        """Take the approved payment once; post the IPN afterwards."""
        key = token_key(params.get("TOKEN", ""))
        state = self._checkout(params, merchant)
        if state is None:
            return failure("10410", "Invalid token", "Invalid token.")
        if not state["payer_id"] or not hmac.compare_digest(
            state["payer_id"].encode(), params.get("PAYERID", "").encode()
        ):
            return failure("10419", "Express Checkout PayerID is missing.", "The buyer has not approved this payment.")
        if state["transaction_id"]:
            return failure(
                ERROR_ALREADY_COMPLETED,
                "Transaction refused because of an invalid argument.",
                "A successful transaction has already been completed for this token.",
            )
        amount = _amount(params, "PAYMENTREQUEST_0_AMT")
        if amount is None or amount != to_money(state["amount"]):
            return failure("10413", "Transaction refused.", "The amount differs from the approved amount.")
        if params.get("PAYMENTREQUEST_0_CURRENCYCODE", "USD") != state["currency"]:
            return failure("10444", "Transaction refused.", "The currency differs from the approved currency.")
        transaction_id = random_code(17)
        state.update(status="PaymentActionCompleted", transaction_id=transaction_id)
        cache.set(key, state, STATE_SECONDS)
        cache.set(_txn_key(transaction_id), {**state, "refunded": False}, STATE_SECONDS)
        notify_url = params.get("PAYMENTREQUEST_0_NOTIFYURL") or state["notify_url"]
        if notify_url:
            ipn = payment_ipn(state, merchant, transaction_id)
            send_ipn(notify_url, ipn)
        return {
            "ACK": "Success",
            "TOKEN": params["TOKEN"],
            "PAYMENTINFO_0_TRANSACTIONID": transaction_id,
            "PAYMENTINFO_0_TRANSACTIONTYPE": "expresscheckout",
            "PAYMENTINFO_0_PAYMENTTYPE": "instant",
            "PAYMENTINFO_0_AMT": state["amount"],
            "PAYMENTINFO_0_CURRENCYCODE": state["currency"],
            "PAYMENTINFO_0_PAYMENTSTATUS": "Completed",
            "PAYMENTINFO_0_ACK": "Success",
        }

    def refund_transaction(self, params, merchant):
        """Refund a completed payment in full, once."""
        key = _txn_key(params.get("TRANSACTIONID", ""))
        txn = cache.get(key)
        if txn is None or txn["merchant"] != merchant["user"]:
            return failure("10004", "Transaction refused because of an invalid argument.", "Invalid transaction ID.")
        if txn["refunded"]:
            return failure("10009", "Transaction refused.", "This transaction has already been fully refunded.")
        txn["refunded"] = True
        cache.set(key, txn, STATE_SECONDS)
        return {
            "ACK": "Success",
            "REFUNDTRANSACTIONID": random_code(17),
            "GROSSREFUNDAMT": txn["amount"],
            "CURRENCYCODE": txn["currency"],
            "REFUNDSTATUS": "Instant",
        }
