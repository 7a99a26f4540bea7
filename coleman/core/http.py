"""Small request helpers every app's views share: where to go next, what the client accepts."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from coleman.conf import coleman_settings


def wants_json(request) -> bool:
    """True when the request prefers JSON to HTML (``Accept: application/json``).

    The store's scripts ask for JSON this way; browsers (``text/html`` or ``*/*``) get pages.
    """
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def bad_request(request, reason):
    """A 400 answer saying ``reason``: JSON (``{"detail": reason}``) for programs (a path under
    ``COLEMAN_JSON_ERROR_PATH_PREFIXES`` or a client that prefers JSON), else the store's 400 page."""
    if wants_json(request) or request.path_info.startswith(tuple(coleman_settings.JSON_ERROR_PATH_PREFIXES)):
        return JsonResponse({"detail": str(reason)}, status=400)
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}, request))


def is_safe_url(request, url) -> bool:
    """Whether ``url`` points to this site (same host, and HTTPS when the request is)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next_url(request, default, *, use_referer=False) -> str:
    """Where to send the visitor next: ``next`` (POST, then GET) when it points to this site.

    With ``use_referer`` the ``Referer`` header is tried last (for forms posted from any page,
    such as the star ratings). Anything pointing elsewhere is ignored, so ``next`` can never
    become an open redirect; ``default`` answers otherwise.
    """
    candidates = [request.POST.get("next"), request.GET.get("next")]
    if use_referer:
        candidates.append(request.headers.get("Referer"))
    for candidate in candidates:
        if is_safe_url(request, candidate):
            return candidate
    return str(default)


__all__ = ["is_safe_url", "safe_next_url", "wants_json"]
