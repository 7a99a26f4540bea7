"""Request guards that protect every page of the store."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.http import bad_request

# C0 control characters (and DEL). Names, paths and cookies may hold none of them; values a
# shopper types (a textarea's lines) may hold tab, CR and LF.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryStringLimitMiddleware:
    """Answer 400 to requests whose query string is longer than
    ``COLEMAN_MAX_QUERY_STRING_LENGTH``, before any view parses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > coleman_settings.MAX_QUERY_STRING_LENGTH:
            return bad_request(request, _("The address of this page is too long."))
        return self.get_response(request)


class ControlCharacterMiddleware:
    """Answer 400 to requests carrying control characters where no browser puts them.

    A NUL (``%00``) reaching a query is a 500 on PostgreSQL, which refuses NUL in text, and
    other control characters are never part of an honest address, cookie or form. Refused
    here, before sessions, views or the database see them: any C0 control character (or DEL)
    in the path, in a query-string or form field's name, in a cookie's name or value; and
    any but tab, CR and LF in a query-string or form field's value (textareas hold lines).
    Placed first in ``MIDDLEWARE`` after ``SecurityMiddleware``; bodies that are not forms
    (gateway XML) are left to their views, which parse them with their own rules.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.is_hostile(request):
            return bad_request(
                request, _("The request contained characters that are not allowed (such as null characters).")
            )
        return self.get_response(request)

    @staticmethod
    def _bad_fields(fields) -> bool:
        for name, values in fields.lists():
            if CONTROL_CHARACTERS.search(name):
                return True
            if any(isinstance(value, str) and CONTROL_CHARACTERS_IN_TEXT.search(value) for value in values):
                return True
        return False

    @staticmethod
    def _is_large_upload(request) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        return request.content_type == "multipart/form-data" and limit is not None and length > limit

    def is_hostile(self, request) -> bool:
        """True when the path, query string, form fields or cookies hold a refused character."""
        if CONTROL_CHARACTERS.search(request.path_info) or CONTROL_CHARACTERS.search(request.path):
            return True
        if self._bad_fields(request.GET):
            return True
        if any(
            CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value)
            for name, value in request.COOKIES.items()
        ):
            return True
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                if not self._is_large_upload(request):
                    # Keep the raw body readable for views that verify it (signed
                    # notifications): read it once, before parsing the form from it. Large
                    # uploads are parsed from the stream (their views read files, not bodies).
                    request.body  # noqa: B018
                post = request.POST
            except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent):
                return False  # Django answers these itself (400/413) when the view reads the form
            if self._bad_fields(post):
                return True
            if any(CONTROL_CHARACTERS.search(name) for name in request.FILES):
                return True
        return False


def _origin(url) -> str:
    parts = urlsplit(str(url or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy() -> str:
    """The ``Content-Security-Policy`` value from ``COLEMAN_CONTENT_SECURITY_POLICY``, with the
    origins of an absolute ``STATIC_URL`` and ``MEDIA_URL`` added where they are loaded."""
    policy = {directive: list(sources) for directive, sources in coleman_settings.CONTENT_SECURITY_POLICY.items()}
    static, media = _origin(settings.STATIC_URL), _origin(settings.MEDIA_URL)
    extra = {"script-src": [static], "style-src": [static], "font-src": [static], "img-src": [static, media]}
    for directive, origins in extra.items():
        if directive in policy:
            policy[directive].extend(origin for origin in origins if origin and origin not in policy[directive])
    if coleman_settings.CONTENT_SECURITY_POLICY_REPORT_URI:
        policy["report-uri"] = [coleman_settings.CONTENT_SECURITY_POLICY_REPORT_URI]
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Send the store's Content-Security-Policy (``COLEMAN_CONTENT_SECURITY_POLICY_MODE``:
    "off", "report-only" or "enforce").

    The policy allows scripts and styles from the site's static files only: no inline
    ``<script>``, ``on…=`` handler or ``style`` attribute runs, so injected markup cannot run
    code. A response that already carries a policy (a view with its own needs) is left as it is.
    """

    HEADERS = {"enforce": "Content-Security-Policy", "report-only": "Content-Security-Policy-Report-Only"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        header = self.HEADERS.get(coleman_settings.CONTENT_SECURITY_POLICY_MODE)
        if header and not any(name in response for name in self.HEADERS.values()):
            response[header] = content_security_policy()
        return response
