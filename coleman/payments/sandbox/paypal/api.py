"""The PayPal sandbox's NVP API: ``SetExpressCheckout``, ``GetExpressCheckoutDetails``,
``DoExpressCheckoutPayment`` and ``RefundTransaction``, as PayPal answered them.

Credentials, amounts, tokens and payers are checked as PayPal checked them; answers are NVP
bodies with PayPal's error codes. A payment sends its IPN (``ipn.send_ipn``).
"""

import hashlib
import hmac
import logging
import secrets
import string
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.core.money import to_money

from ..conf import sandbox_settings
from .ipn import send_ipn

logger = logging.getLogger("coleman.payments.sandbox.paypal")

NVP_VERSION = "124.0"
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
    """An ``ACK=Failure`` NVP answer (PayPal answers API errors with HTTP 200)."""
    return answer(
        {
            "ACK": "Failure",
            "L_ERRORCODE0": code,
            "L_SHORTMESSAGE0": short,
            "L_LONGMESSAGE0": long,
            "L_SEVERITYCODE0": "Error",
            **extra,
        }
    )


def answer(fields):
    """An NVP answer with PayPal's bookkeeping fields."""
    fields = {"CORRELATIONID": random_code(13).lower(), "VERSION": NVP_VERSION, "BUILD": "sandbox", **fields}
    return HttpResponse(urlencode(list(fields.items())), content_type="text/plain; charset=utf-8")


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


@method_decorator(csrf_exempt, name="dispatch")
class NvpView(View):
    """The NVP API endpoint: ``SetExpressCheckout``, ``GetExpressCheckoutDetails``,
    ``DoExpressCheckoutPayment`` and ``RefundTransaction``."""

    http_method_names = ["post"]

    def post(self, request):
        """Answer one NVP call made over HTTP."""
        return self.handle(request.body)

    def handle(self, body):
        """Authenticate the merchant and dispatch on ``METHOD``."""
        params = read_nvp(body)
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
        return answer({"ACK": "Success", "TOKEN": token})

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
        }
        if state["payer_id"]:
            fields.update(
                {
                    "PAYERID": state["payer_id"],
                    "PAYERSTATUS": "verified",
                    "EMAIL": "sandbox-buyer@example.com",
                    "FIRSTNAME": "Sandbox",
                    "LASTNAME": "Buyer",
                }
            )
        return answer(fields)

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
            ipn = {
                "txn_id": transaction_id,
                "txn_type": "express_checkout",
                "payment_status": "Completed",
                "invoice": state["invoice"],
                "mc_gross": state["amount"],
                "mc_currency": state["currency"],
                "receiver_email": merchant["email"],
                "payer_id": state["payer_id"],
                "payer_email": "sandbox-buyer@example.com",
                "ipn_track_id": random_code(13).lower(),
            }
            send_ipn(notify_url, ipn)
        return answer(
            {
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
        )

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
        return answer(
            {
                "ACK": "Success",
                "REFUNDTRANSACTIONID": random_code(17),
                "GROSSREFUNDAMT": txn["amount"],
                "CURRENCYCODE": txn["currency"],
                "REFUNDSTATUS": "Instant",
            }
        )
