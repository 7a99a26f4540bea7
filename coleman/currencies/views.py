"""Choosing a display currency (POST): kept in the session; orders stay in the store's currency."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from coleman.core.http import safe_next_url

from .rates import SESSION_KEY, offered


class ChooseCurrencyView(View):
    """Set (or clear, with an empty choice) the display currency; an unknown one is a 400."""

    http_method_names = ["post", "options"]

    def post(self, request):
        raw = request.POST.get("currency", "")
        code = raw.strip().upper() if isinstance(raw, str) else ""
        back = safe_next_url(request, "/")
        if not code:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Prices are shown in the store's currency only."))
            return HttpResponseRedirect(back)
        if code not in offered():
            error = _("We cannot show prices in “%(code)s”; please choose one of the listed currencies.") % {
                "code": code[:10]
            }
            return render(request, "currencies/choose_error.html", {"error": error, "back": back}, status=400)
        request.session[SESSION_KEY] = code
        messages.success(
            request,
            _("Prices are also shown in %(code)s, approximately; you pay in the store's currency.") % {"code": code},
        )
        return HttpResponseRedirect(back)
