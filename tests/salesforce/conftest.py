"""Fixtures of the Salesforce tests: requests sent to the gateway sandbox's Salesforce.

Unit tests hand the client's HTTP requests to Django's test client through a ``requests``
transport adapter (the same URLs, headers and bodies simple-salesforce sends, without a
socket); ``test_live.py`` talks to a live server over real HTTP.
"""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from coleman.salesforce.client import SalesforceClient


class DjangoTestClientAdapter(BaseAdapter):
    """A transport adapter that answers ``requests`` calls with Django's test client."""

    def __init__(self):
        super().__init__()
        self.client = Client()
        self.sent = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        """Pass the prepared request to the test client and wrap its answer."""
        parts = urlsplit(request.url)
        headers = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in request.headers.items()
            if name.lower() not in ("content-type", "content-length")
        }
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        self.sent.append((request.method, request.url))
        answer = self.client.generic(
            request.method,
            parts.path + (f"?{parts.query}" if parts.query else ""),
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self):
        """Nothing to close."""


@pytest.fixture
def transport():
    """The adapter, to inspect the calls made."""
    return DjangoTestClientAdapter()


@pytest.fixture
def sandbox_session(transport):
    """A requests session whose calls reach the sandbox through the test client."""
    session = requests.Session()
    session.mount("http://", transport)
    session.mount("https://", transport)
    return session


@pytest.fixture
def salesforce(sandbox_session, db):
    """A client logged in to the sandbox's Salesforce."""
    return SalesforceClient(session=sandbox_session).connect()
