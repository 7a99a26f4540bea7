"""Request guards that protect every page of the store."""

from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.http import bad_request


class QueryStringLimitMiddleware:
    """Answer 400 to requests whose query string is longer than
    ``COLEMAN_MAX_QUERY_STRING_LENGTH``, before any view parses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > coleman_settings.MAX_QUERY_STRING_LENGTH:
            return bad_request(request, _("The address of this page is too long."))
        return self.get_response(request)
