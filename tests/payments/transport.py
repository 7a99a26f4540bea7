"""A ``requests`` transport adapter that hands each request to Django's test client.

The test settings mount it on every gateway session for ``http://testserver/``
(``COLEMAN_PAYMENTS_HTTP_ADAPTERS``), and point the server-to-server gateway endpoints at
``http://testserver/sandbox/…``. So a processor's HTTP call reaches the gateway sandbox's views
through the same ``requests`` code it uses against the real service, and when the sandbox posts
a notification back to the store (it builds its own gateway session) the call travels the
same way in the other direction: no network, no server thread, and no module function patched.

It lives in the test suite because only the tests need it: ``make run`` serves the store and the
sandbox from one threaded runserver, which reaches itself over real HTTP.

Each request gets a fresh client (server-to-server calls carry no browser cookies) that
enforces CSRF like a real server, so an endpoint a service calls must really be exempt.
Exceptions raised by a view propagate to the test, as the test client does.

Every exchange on a Google Checkout path is validated against the Checkout API schema
(``tests/payments/schemas``) in both directions: an invalid document fails the test.
"""

from urllib.parse import urlsplit

import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from tests.payments.schemas import check_google_exchange

#: Headers the test client sets itself from the body and its arguments.
_COMPUTED_HEADERS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH", "HOST"})


class DjangoTestClientAdapter(BaseAdapter):
    """Answer ``requests`` calls with this Django project's views, through ``django.test.Client``."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        """Run ``request`` (a ``PreparedRequest``) through the test client; return a ``requests.Response``."""
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        meta = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.headers.items()
            if name.upper().replace("-", "_") not in _COMPUTED_HEADERS
        }
        answer = Client(enforce_csrf_checks=True).generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            secure=url.scheme == "https",
            HTTP_HOST=url.netloc,
            **meta,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        response.headers = CaseInsensitiveDict(answer.items())
        response._content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = request.url
        response.request = request
        response.connection = self
        check_google_exchange(
            url.path, body, answer.status_code, response.content, response.headers.get("Content-Type", "")
        )
        return response

    def close(self):
        """Nothing to release: no connections are opened."""
