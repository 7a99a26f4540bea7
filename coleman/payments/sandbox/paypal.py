"""The PayPal side of Express Checkout, played locally: the NVP API, the approval page and IPN.

It checks what PayPal checked: the API credentials (``USER``/``PWD``/``SIGNATURE``), the
amounts (item total + shipping = order total), the token and payer on each step, and a token
can be paid once. The approval page is clearly labelled "SANDBOX"; paying sends the browser to
``RETURNURL?token=…&PayerID=…``, declining to ``CANCELURL?token=…``. After a payment it posts
an IPN to the order's notify URL and answers the store's ``cmd=_notify-validate`` post-back
with ``VERIFIED`` for the messages it sent and ``INVALID`` for anything else.

State (tokens, payments, sent IPNs) lives in the cache: this is a test double, not a ledger.
"""

import hashlib
import hmac
import logging
import secrets
import string
import threading
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.payments.processors import paypal as nvp

logger = logging.getLogger(__name__)

STATE_SECONDS = 3 * 3600
# PayPal's IPN arrived a moment after the payment (never inside the API call that made it)
# and was resent while the store did not answer 200: seconds to wait before each attempt.
IPN_RETRY_DELAYS = (0.5, 1, 2, 4, 8)
ALPHABET = string.ascii_uppercase + string.digits


def _token_key(token):
    return "sandbox:paypal:token:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _txn_key(txn_id):
    return "sandbox:paypal:txn:" + hashlib.sha256(txn_id.encode("utf-8", "replace")).hexdigest()


def _ipn_key(body):
    return "sandbox:paypal:ipn:" + hashlib.sha256(body).hexdigest()


def _random(length):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def authenticate(params):
    """The sandbox merchant account matching ``USER``/``PWD``/``SIGNATURE``, or None."""
    user = params.get("USER", "")
    account = dict(coleman_settings.SANDBOX_PAYPAL_ACCOUNTS).get(user)
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
    fields = {"CORRELATIONID": _random(13).lower(), "VERSION": nvp.NVP_VERSION, "BUILD": "sandbox", **fields}
    return HttpResponse(nvp.encode_nvp(fields), content_type="text/plain; charset=utf-8")


def _amount(params, name):
    try:
        value = to_money(params.get(name, ""))
    except ValueError:
        return None
    return value if value >= 0 else None


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
        try:
            params = nvp.decode_nvp(body)
        except nvp.PayPalMalformed:
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
        if total is None or total <= 0:
            return failure("10401", "Transaction refused because of an invalid argument.", "Order total is invalid.")
        if items is not None and items + shipping != total:
            return failure(
                "10413",
                "Transaction refused because of an invalid argument.",
                "The totals of the cart item amounts do not match order amounts.",
            )
        lines_total = Decimal("0.00")
        index = 0
        while f"L_PAYMENTREQUEST_0_AMT{index}" in params:
            line_amount = _amount(params, f"L_PAYMENTREQUEST_0_AMT{index}")
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
        token = "EC-" + _random(17)
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
        cache.set(_token_key(token), state, STATE_SECONDS)
        return answer({"ACK": "Success", "TOKEN": token})

    def _checkout(self, params, merchant):
        state = cache.get(_token_key(params.get("TOKEN", "")))
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
        key = _token_key(params.get("TOKEN", ""))
        state = self._checkout(params, merchant)
        if state is None:
            return failure("10410", "Invalid token", "Invalid token.")
        if not state["payer_id"] or not hmac.compare_digest(
            state["payer_id"].encode(), params.get("PAYERID", "").encode()
        ):
            return failure("10419", "Express Checkout PayerID is missing.", "The buyer has not approved this payment.")
        if state["transaction_id"]:
            return failure(
                nvp.ERROR_ALREADY_COMPLETED,
                "Transaction refused because of an invalid argument.",
                "A successful transaction has already been completed for this token.",
            )
        amount = _amount(params, "PAYMENTREQUEST_0_AMT")
        if amount is None or amount != to_money(state["amount"]):
            return failure("10413", "Transaction refused.", "The amount differs from the approved amount.")
        if params.get("PAYMENTREQUEST_0_CURRENCYCODE", "USD") != state["currency"]:
            return failure("10444", "Transaction refused.", "The currency differs from the approved currency.")
        transaction_id = _random(17)
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
                "ipn_track_id": _random(13).lower(),
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
                "REFUNDTRANSACTIONID": _random(17),
                "GROSSREFUNDAMT": txn["amount"],
                "CURRENCYCODE": txn["currency"],
                "REFUNDSTATUS": "Instant",
            }
        )


# --- IPN --------------------------------------------------------------------------------


def remember_ipn(body):
    """Record that the sandbox sent this exact IPN body (the post-back will be VERIFIED)."""
    cache.set(_ipn_key(body), True, STATE_SECONDS)


def deliver_ipn(url, body, *, delays=IPN_RETRY_DELAYS):
    """POST one IPN body to the store, resending it until the store answers 200.

    PayPal resent an IPN that was not acknowledged with HTTP 200, at growing intervals; the
    sandbox does the same a few times (used by the default background sender).
    """
    import time

    import requests

    for delay in delays:
        time.sleep(delay)
        try:
            response = requests.post(
                url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=15
            )
        except requests.RequestException as exc:
            logger.warning("Sandbox PayPal could not deliver an IPN to %s: %s", url, exc)
            continue
        if response.status_code == 200:
            return True
        logger.warning("Sandbox PayPal IPN to %s answered %s; will resend.", url, response.status_code)
    return False


def send_ipn(url, fields):
    """Post an IPN to the store's notify URL, as PayPal did: shortly after, from elsewhere.

    The body is recorded first so the store's verification post-back is answered VERIFIED.
    Delivery runs in a background thread so it never blocks the API answer (PayPal's IPN
    is asynchronous too); ``COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False`` turns it off.
    """
    body = urlencode(list(fields.items())).encode("utf-8")
    remember_ipn(body)
    if not coleman_settings.SANDBOX_PAYPAL_SEND_IPN:
        return body
    threading.Thread(target=deliver_ipn, args=(url, body), daemon=True, name="sandbox-paypal-ipn").start()
    return body


@method_decorator(csrf_exempt, name="dispatch")
class IpnVerifyView(View):
    """Answers the store's IPN post-back: ``VERIFIED`` for an IPN the sandbox sent, else ``INVALID``."""

    http_method_names = ["post"]

    def post(self, request):
        """Answer one post-back made over HTTP."""
        return HttpResponse(ipn_postback_answer(request.body), content_type="text/plain")


def ipn_postback_answer(body):
    """``VERIFIED`` when ``body`` is ``cmd=_notify-validate&`` + an IPN the sandbox sent, else ``INVALID``."""
    prefix = b"cmd=_notify-validate&"
    if body.startswith(prefix) and cache.get(_ipn_key(body[len(prefix) :])):
        return "VERIFIED"
    return "INVALID"


def handle_nvp_request(body):
    """Answer an NVP call in-process (the store's client uses this when no endpoint is configured)."""
    return NvpView().handle(body)


# --- the approval page ------------------------------------------------------------------


def _with_query(url, extra):
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(extra.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class ApprovalView(View):
    """PayPal's ``webscr?cmd=_express-checkout&token=…`` page: the buyer pays or declines."""

    template_name = "sandbox/paypal/approve.html"
    error_template_name = "sandbox/paypal/error.html"

    def dispatch(self, request, *args, **kwargs):
        """Only ``cmd=_express-checkout`` with a known token is played."""
        source = request.POST if request.method == "POST" else request.GET
        if request.method not in {"GET", "POST"}:
            return HttpResponseNotAllowed(["GET", "POST"])
        if source.get("cmd") != "_express-checkout":
            return render(
                request,
                self.error_template_name,
                {"error": "Only cmd=_express-checkout is played."},
                status=400,
            )
        self.token = source.get("token", "")
        self.state = cache.get(_token_key(self.token))
        if self.state is None:
            return render(
                request,
                self.error_template_name,
                {"error": "This checkout token is unknown or expired."},
                status=404,
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        """Show what the buyer is asked to pay."""
        return render(request, self.template_name, {"token": self.token, "checkout": self.state})

    def post(self, request):
        """Approve (back to RETURNURL with the PayerID) or decline (back to CANCELURL)."""
        if self.state["transaction_id"]:
            return render(
                request,
                self.error_template_name,
                {"error": "This checkout has already been paid."},
                status=400,
            )
        if request.POST.get("decision") == "pay":
            payer_id = self.state["payer_id"] or _random(13)
            self.state["payer_id"] = payer_id
            cache.set(_token_key(self.token), self.state, STATE_SECONDS)
            return HttpResponseRedirect(
                _with_query(self.state["return_url"], {"token": self.token, "PayerID": payer_id})
            )
        return HttpResponseRedirect(_with_query(self.state["cancel_url"], {"token": self.token}))


urlpatterns = [
    path("nvp/", NvpView.as_view(), name="paypal-nvp"),
    path("webscr/", ApprovalView.as_view(), name="paypal-webscr"),
    path("ipn-verify/", IpnVerifyView.as_view(), name="paypal-ipn-verify"),
]
