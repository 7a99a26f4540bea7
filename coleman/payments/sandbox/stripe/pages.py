"""The Stripe sandbox's hosted Checkout page: the shopper pays or is declined.

Paying completes the session (``payment_status`` "paid", a PaymentIntent), posts the signed
``checkout.session.completed`` event to the store, then sends the browser to ``success_url``
with ``{CHECKOUT_SESSION_ID}`` filled in. Stripe makes no promise about which arrives first; the
sandbox posts the event first so a journey is repeatable, and the store copes with either.
Declining shows the card error on the page, as Stripe does: the session stays open, and the
shopper may try again or go back to the store (``cancel_url``).

"Pay by bank debit" plays a delayed payment method: the session completes with
``payment_status`` "unpaid" (``checkout.session.completed`` is posted, and the shopper goes to
``success_url``), and the debit stays pending. Stripe settles such debits days later; here the
same page, opened again, lets whoever plays the bank settle it (``async_payment_succeeded``)
or fail it (``async_payment_failed``).
"""

from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from .api import STATE_SECONDS, intent_key, new_id, public_session, session_key
from .webhooks import make_event, send

#: Currencies Stripe writes without decimals (the page shows their amounts as they are).
ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)


def display_amount(minor, currency):
    """``1150`` USD → ``"11.50"``; ``1150`` JPY → ``"1150"``."""
    if currency in ZERO_DECIMAL:
        return str(minor)
    return f"{minor // 100}.{minor % 100:02d}"


class HostedPageView(View):
    """``pay/<session id>/``: the session's lines and total, "Pay" and "Decline"."""

    template_name = "sandbox/stripe/pay.html"
    error_template_name = "sandbox/stripe/error.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, session_id):
        self.state = cache.get(session_key(session_id))
        if self.state is None:
            return self.error(request, "This Checkout Session is unknown or has expired.", 404)
        if self.state["status"] != "open" and not self.debit_pending:
            return self.error(
                request, f"This Checkout Session is {self.state['status']}: it cannot be paid again.", 400
            )
        return super().dispatch(request, session_id)

    @property
    def debit_pending(self):
        """True when the session was paid by bank debit that is not settled yet."""
        return self.state["status"] == "complete" and self.state.get("_debit") == "pending"

    def error(self, request, message, status):
        """The sandbox's error page."""
        return render(request, self.error_template_name, {"error": message}, status=status)

    def page(self, request, *, declined=False):
        """The payment page (with the card error after a decline)."""
        state, currency = self.state, self.state["currency"]
        lines = [
            {
                **line,
                "unit": display_amount(line["unit_amount"], currency),
                "total": display_amount(line["unit_amount"] * line["quantity"], currency),
            }
            for line in state["_lines"]
        ]
        shipping = (state.get("shipping_cost") or {}).get("amount_total")
        context = {
            "session": state,
            "lines": lines,
            "shipping": display_amount(shipping, currency) if shipping is not None else "",
            "shipping_name": state["_shipping_name"],
            "total": display_amount(state["amount_total"], currency),
            "currency": currency.upper(),
            "declined": declined,
            "debit_pending": self.debit_pending,
        }
        return render(request, self.template_name, context, status=402 if declined else 200)

    def get(self, request, session_id):
        """Show what the shopper is asked to pay."""
        return self.page(request)

    def post(self, request, session_id):
        """Pay (complete, notify the store, go to ``success_url``), pay by bank debit (the same,
        unpaid until settled), decline (stay, show the error), or settle or fail a pending debit."""
        decision = request.POST.get("decision")
        if self.debit_pending:
            return self.settle(request, succeeded=decision == "settle")
        if decision not in ("pay", "debit"):
            return self.page(request, declined=True)
        state = self.state
        intent_id = new_id("pi_")
        if decision == "debit":
            state.update(status="complete", payment_status="unpaid", payment_intent=intent_id, _debit="pending")
        else:
            state.update(status="complete", payment_status="paid", payment_intent=intent_id)
        cache.set(session_key(session_id), state, STATE_SECONDS)
        cache.set(
            intent_key(intent_id),
            {
                "account": state["_account"],
                "amount": state["amount_total"],
                "currency": state["currency"],
                "refunded": 0,
                "metadata": state["_intent_metadata"],
            },
            STATE_SECONDS,
        )
        send(state["_account"], state["_webhook_url"], make_event("checkout.session.completed", public_session(state)))
        return HttpResponseRedirect(state["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))

    def settle(self, request, *, succeeded):
        """The bank's answer to a pending debit, posted to the store as Stripe would."""
        state = self.state
        if succeeded:
            state.update(payment_status="paid", _debit="settled")
            kind = "checkout.session.async_payment_succeeded"
        else:
            state.update(_debit="failed")
            kind = "checkout.session.async_payment_failed"
        cache.set(session_key(state["id"]), state, STATE_SECONDS)
        send(state["_account"], state["_webhook_url"], make_event(kind, public_session(state)))
        return_url = state["success_url"].replace("{CHECKOUT_SESSION_ID}", state["id"])
        context = {"session": state, "succeeded": succeeded, "return_url": return_url}
        return render(request, "sandbox/stripe/settled.html", context)
