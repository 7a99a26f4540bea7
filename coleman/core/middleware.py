"""Request guards that protect every page of the store."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings


class QueryStringLimitMiddleware:
    """Answer 400 to requests whose query string is longer than
    ``COLEMAN_MAX_QUERY_STRING_LENGTH``, before any view parses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > coleman_settings.MAX_QUERY_STRING_LENGTH:
            body = render_to_string("400.html", {"reason": _("The address of this page is too long.")}, request)
            return HttpResponseBadRequest(body)
        return self.get_response(request)
