"""The Stripe sandbox's API: ``/v1/checkout/sessions`` (create, retrieve, expire) and ``/v1/refunds``,
answered with the JSON objects the ``stripe`` library parses.

Requests are form-encoded with Stripe's bracket notation (``line_items[0][price_data][currency]``)
and authenticated with ``Authorization: Bearer <secret key>``. As at Stripe, a POST with an
``Idempotency-Key`` already seen gets the first answer again (a different request under the same
key is refused), amounts are integers in the currency's smallest unit, and errors are
``{"error": {"type", "code", "message", "param"}}`` with Stripe's HTTP statuses.

State (sessions, payments, idempotent answers) lives in the cache: a test double, not a ledger.
"""

import hashlib
import hmac
import json
import re
import secrets
import string
import time
from urllib.parse import parse_qsl

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..conf import sandbox_settings

STATE_SECONDS = 24 * 3600
MAX_BODY_BYTES = 256 * 1024
ALPHABET = string.ascii_letters + string.digits
_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


class ApiError(Exception):
    """A request Stripe would refuse: answered as Stripe's error object with ``status``."""

    def __init__(self, message, *, status=400, code="", param="", kind="invalid_request_error"):
        super().__init__(message)
        self.status, self.code, self.param, self.kind = status, code, param, kind

    def response(self):
        """The error as Stripe writes it."""
        error = {"type": self.kind, "message": str(self)}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return json_response({"error": error}, self.status)


def new_id(prefix, length=24):
    """A Stripe-looking object id, e.g. ``cs_test_a1B2…``."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))


def json_response(data, status=200):
    """A JSON answer with a ``Request-Id`` header, as Stripe sends."""
    response = HttpResponse(json.dumps(data), status=status, content_type="application/json")
    response["Request-Id"] = new_id("req_", 14)
    return response


def session_key(session_id):
    """The cache key of a Checkout Session."""
    return "sandbox:stripe:session:" + hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def intent_key(intent_id):
    """The cache key of a PaymentIntent (what was paid, what was refunded)."""
    return "sandbox:stripe:intent:" + hashlib.sha256(intent_id.encode("utf-8", "replace")).hexdigest()


def account_for(authorization):
    """``(secret key, account settings)`` of the ``Bearer`` key, or raise a 401 ``ApiError``."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme == "Bearer" and key:
        for known, account in dict(sandbox_settings.STRIPE_ACCOUNTS).items():
            if hmac.compare_digest(known.encode(), key.encode()):
                return known, account
    shown = (key[:8] + "****") if key else ""
    raise ApiError(f"Invalid API Key provided: {shown}", status=401, kind="invalid_request_error")


def decode_form(body):
    """A Stripe form body as nested dicts and lists (``a[b][0]=1`` → ``{"a": {"b": ["1"]}}``)."""
    if len(body) > MAX_BODY_BYTES:
        raise ApiError("The request is too large.", status=413)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        raise ApiError("The request body is not UTF-8.") from exc
    root = {}
    for name, value in pairs:
        head, _, rest = name.partition("[")
        parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ApiError(f"Invalid parameter {name!r}.", param=name)
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listify(node[key]) for key in sorted(node, key=int)]
    return {key: _listify(value) for key, value in node.items()}


def _integer(value, param, *, minimum=0):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(f"Invalid integer: {value!r}", param=param) from None
    if number < minimum:
        raise ApiError(f"{param} must be at least {minimum}.", param=param)
    return number


def _mapping(value, param):
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError(f"Invalid object: {param}", param=param)
    return value


def _currency(value, param, expected=None):
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{3}", value):
        raise ApiError(f"Invalid currency: {value!r}", param=param)
    if expected and value != expected:
        raise ApiError("All line items and shipping must use one currency.", param=param)
    return value


def line_items(params):
    """The session's line items, checked: ``[{"name", "quantity", "unit_amount"}]`` and the currency."""
    items = params.get("line_items")
    if not isinstance(items, list) or not items:
        raise ApiError("line_items must have at least one item in payment mode.", param="line_items")
    lines, currency = [], None
    for index, item in enumerate(items):
        where = f"line_items[{index}]"
        item = _mapping(item, where)
        price = _mapping(item.get("price_data"), f"{where}[price_data]")
        if not price:
            raise ApiError("Each line item needs price_data.", param=f"{where}[price_data]")
        currency = _currency(price.get("currency"), f"{where}[price_data][currency]", currency)
        name = _mapping(price.get("product_data"), f"{where}[price_data][product_data]").get("name", "")
        if not name:
            raise ApiError("Each product needs a name.", param=f"{where}[price_data][product_data][name]")
        lines.append(
            {
                "name": name,
                "quantity": _integer(item.get("quantity"), f"{where}[quantity]", minimum=1),
                "unit_amount": _integer(price.get("unit_amount"), f"{where}[price_data][unit_amount]"),
            }
        )
    return lines, currency


def shipping_amount(params, currency):
    """The fixed shipping amount of the first shipping option (0 without one)."""
    options = params.get("shipping_options") or []
    if not options:
        return 0, ""
    rate = _mapping(_mapping(options[0], "shipping_options[0]").get("shipping_rate_data"), "shipping_rate_data")
    fixed = _mapping(rate.get("fixed_amount"), "shipping_rate_data[fixed_amount]")
    _currency(fixed.get("currency"), "shipping_rate_data[fixed_amount][currency]", currency)
    return _integer(fixed.get("amount"), "shipping_rate_data[fixed_amount][amount]"), rate.get("display_name", "")


def store_webhook_url(request, account):
    """Where this account's events go: its ``webhook_url``, or this site's Stripe webhook ("" if none)."""
    if account.get("webhook_url"):
        return account["webhook_url"]
    try:
        return request.build_absolute_uri(reverse("payments:stripe:webhook"))
    except NoReverseMatch:
        return ""


def public_session(state):
    """The ``checkout.session`` object the API answers (the sandbox's bookkeeping left out)."""
    return {key: value for key, value in state.items() if not key.startswith("_")}


def create_session(request, api_key, account, params):
    """``POST /v1/checkout/sessions``: check the parameters, remember the session, answer it."""
    if params.get("mode") != "payment":
        raise ApiError("The sandbox plays mode=payment only.", param="mode")
    for name in ("success_url", "cancel_url"):
        if not re.match(r"https?://[^/]", params.get(name) or ""):
            raise ApiError(f"Not a valid URL: {name}", param=name)
    lines, currency = line_items(params)
    shipping, shipping_name = shipping_amount(params, currency)
    subtotal = sum(line["unit_amount"] * line["quantity"] for line in lines)
    session_id = new_id("cs_test_", 58)
    now = int(time.time())
    state = {
        "id": session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "livemode": False,
        "created": now,
        "expires_at": now + STATE_SECONDS,
        "currency": currency,
        "amount_subtotal": subtotal,
        "amount_total": subtotal + shipping,
        "shipping_cost": {"amount_total": shipping} if shipping_name or shipping else None,
        "client_reference_id": params.get("client_reference_id") or None,
        "customer_email": params.get("customer_email") or None,
        "metadata": _mapping(params.get("metadata"), "metadata"),
        "payment_intent": None,
        "success_url": params["success_url"],
        "cancel_url": params["cancel_url"],
        "url": request.build_absolute_uri(reverse("sandbox:stripe-pay", args=[session_id])),
        # The sandbox's own bookkeeping (not in API answers):
        "_account": api_key,
        "_lines": lines,
        "_shipping_name": shipping_name,
        "_intent_metadata": _mapping(
            _mapping(params.get("payment_intent_data"), "payment_intent_data").get("metadata"), "metadata"
        ),
        "_webhook_url": store_webhook_url(request, account),
    }
    cache.set(session_key(session_id), state, STATE_SECONDS)
    return public_session(state)


def load_session(api_key, session_id):
    """A session of this account, or a 404 ``ApiError`` as Stripe answers an unknown id."""
    state = cache.get(session_key(session_id))
    if state is None or state["_account"] != api_key:
        raise ApiError(f"No such checkout.session: '{session_id}'", status=404, code="resource_missing", param="id")
    return state


def expire_session(api_key, session_id):
    """``POST /v1/checkout/sessions/<id>/expire``: an open session can no longer be paid."""
    state = load_session(api_key, session_id)
    if state["status"] != "open":
        raise ApiError(f"Only open sessions can be expired; this one is {state['status']}.")
    state["status"] = "expired"
    cache.set(session_key(session_id), state, STATE_SECONDS)
    return public_session(state)


def create_refund(api_key, params):
    """``POST /v1/refunds``: refund (part of) a paid PaymentIntent, never more than was paid."""
    intent_id = params.get("payment_intent") or ""
    intent = cache.get(intent_key(intent_id)) if intent_id else None
    if intent is None or intent["account"] != api_key:
        raise ApiError(
            f"No such payment_intent: '{intent_id}'", status=404, code="resource_missing", param="payment_intent"
        )
    left = intent["amount"] - intent["refunded"]
    if left <= 0:
        raise ApiError("This charge has already been refunded.", code="charge_already_refunded")
    amount = _integer(params["amount"], "amount", minimum=1) if params.get("amount") else left
    if amount > left:
        raise ApiError(
            f"Refund amount ({amount}) is greater than unrefunded amount ({left}).",
            code="amount_too_large",
            param="amount",
        )
    intent["refunded"] += amount
    cache.set(intent_key(intent_id), intent, STATE_SECONDS)
    return {
        "id": new_id("re_"),
        "object": "refund",
        "amount": amount,
        "currency": intent["currency"],
        "payment_intent": intent_id,
        "status": "succeeded",
        "reason": params.get("reason") or None,
        "metadata": _mapping(params.get("metadata"), "metadata"),
        "created": int(time.time()),
    }


@method_decorator(csrf_exempt, name="dispatch")
class ApiView(View):
    """``/v1/…``: authenticate the secret key, replay idempotent answers, dispatch by path."""

    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        try:
            api_key, account = account_for(request.headers.get("Authorization"))
            if request.method != "POST":
                return json_response(self.answer(request, api_key, account, {}, **kwargs))
            return self.idempotent_post(request, api_key, account, **kwargs)
        except ApiError as exc:
            return exc.response()

    def idempotent_post(self, request, api_key, account, **kwargs):
        """Answer a POST once per ``Idempotency-Key``: a repeat gets the first answer back."""
        key = request.headers.get("Idempotency-Key", "")
        fingerprint = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        cache_key = "sandbox:stripe:idempotency:" + hashlib.sha256(f"{api_key}\n{key}".encode()).hexdigest()
        if key:
            seen = cache.get(cache_key)
            if seen is not None:
                if seen["fingerprint"] != fingerprint:
                    raise ApiError(
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                        kind="idempotency_error",
                    )
                response = HttpResponse(seen["body"], status=seen["status"], content_type="application/json")
                response["Idempotent-Replayed"] = "true"
                return response
        try:
            response = json_response(self.answer(request, api_key, account, decode_form(request.body), **kwargs))
        except ApiError as exc:
            response = exc.response()
        if key:
            cache.set(
                cache_key,
                {"fingerprint": fingerprint, "status": response.status_code, "body": response.content},
                STATE_SECONDS,
            )
        return response

    def answer(self, request, api_key, account, params, *, resource, object_id="", action=""):
        """The JSON object for one request."""
        if resource == "checkout/sessions" and request.method == "POST" and not object_id:
            return create_session(request, api_key, account, params)
        if resource == "checkout/sessions" and request.method == "GET" and object_id and not action:
            return public_session(load_session(api_key, object_id))
        if resource == "checkout/sessions" and request.method == "POST" and action == "expire":
            return expire_session(api_key, object_id)
        if resource == "refunds" and request.method == "POST" and not object_id:
            return create_refund(api_key, params)
        raise ApiError(f"Unrecognized request URL ({request.method}: {request.path}).", status=404)
