"""The PayPal sandbox's approval page (``webscr?cmd=_express-checkout&token=…``): the buyer pays or cancels."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from .api import STATE_SECONDS, random_code, token_key


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
        self.state = cache.get(token_key(self.token))
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
            payer_id = self.state["payer_id"] or random_code(13)
            self.state["payer_id"] = payer_id
            cache.set(token_key(self.token), self.state, STATE_SECONDS)
            return HttpResponseRedirect(
                _with_query(self.state["return_url"], {"token": self.token, "PayerID": payer_id})
            )
        return HttpResponseRedirect(_with_query(self.state["cancel_url"], {"token": self.token}))
