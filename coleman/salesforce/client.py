"""A small client for the parts of Salesforce's REST API the sync uses, on simple-salesforce.

* :meth:`SalesforceClient.connect`: the OAuth 2.0 username-password flow against
  ``COLEMAN_SALESFORCE_LOGIN_URL`` (simple-salesforce's ``token_login`` with our token URL:
  its own login helpers only know ``*.salesforce.com``).
* :meth:`SalesforceClient.upsert_batch`: composite/sObject collections upsert by external id,
  at most 200 records a call (``allOrNone`` false: one bad record never sinks the others).
* :meth:`SalesforceClient.query`: SOQL with values quoted by simple-salesforce's
  ``format_soql``, following ``nextRecordsUrl`` page by page.

Every request has a timeout. simple-salesforce writes ``https://`` into every URL; for the
gateway sandbox on a loopback address over plain HTTP (dev and test only) the session sends
those requests over HTTP (:class:`LoopbackPlainHTTPAdapter`).
"""

import ipaddress
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError
from simple_salesforce.format import format_soql
from simple_salesforce.login import token_login

from coleman.conf import coleman_settings

LOOPBACK_NAMES = {"localhost", "testserver"}


class SalesforceUnavailable(Exception):
    """Salesforce could not be reached or refused the login; the message says why."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class TimeoutSession(requests.Session):
    """A session whose requests time out after ``COLEMAN_SALESFORCE_TIMEOUT`` seconds."""

    def request(self, method, url, *args, **kwargs):
        """Send with the default timeout unless one is given."""
        kwargs.setdefault("timeout", coleman_settings.SALESFORCE_TIMEOUT)
        return super().request(method, url, *args, **kwargs)


class LoopbackPlainHTTPAdapter(HTTPAdapter):
    """Sends ``https://`` requests for a loopback host over plain HTTP (the gateway sandbox)."""

    def send(self, request, **kwargs):
        """Rewrite the scheme, then send."""
        if request.url.startswith("https://"):
            request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, **kwargs)


def plain_http_prefix(url: str) -> str | None:
    """The ``https://host:port/`` prefix to serve over HTTP when ``url`` is plain HTTP on a
    loopback host; ``None`` for an HTTPS URL. Anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return f"https://{parts.netloc}/"
    raise SalesforceUnavailable(f"Salesforce must be reached over HTTPS (got {url!r}).")


class SalesforceClient:
    """One logged-in connection to Salesforce (call :meth:`connect` first).

    ``session`` may be given (tests hand requests to Django's test client through a
    transport adapter); by default a :class:`TimeoutSession` is made.
    """

    def __init__(self, session: requests.Session | None = None):
        self.own_session = session is None
        self.session = session or TimeoutSession()
        self.api = None

    def connect(self) -> "SalesforceClient":
        """Log in with the integration user; raises :class:`SalesforceUnavailable`."""
        login_url = coleman_settings.SALESFORCE_LOGIN_URL.rstrip("/")
        self._serve_plain_http(login_url)
        data = {
            "grant_type": "password",
            "client_id": coleman_settings.SALESFORCE_CONSUMER_KEY,
            "client_secret": coleman_settings.SALESFORCE_CONSUMER_SECRET,
            "username": coleman_settings.SALESFORCE_USERNAME,
            "password": coleman_settings.SALESFORCE_PASSWORD + coleman_settings.SALESFORCE_SECURITY_TOKEN,
        }
        try:
            session_id, instance = token_login(
                f"{login_url}/services/oauth2/token",
                data,
                "login",
                data["client_id"],
                None,
                None,
                self.session,
            )
        except SalesforceAuthenticationFailed as exc:
            raise SalesforceUnavailable(f"Salesforce refused the login: {exc}") from exc
        except requests.RequestException as exc:
            raise SalesforceUnavailable(f"Salesforce could not be reached: {exc}") from exc
        self._serve_plain_http(("http://" if login_url.startswith("http://") else "https://") + instance)
        self.api = Salesforce(
            session_id=session_id,
            instance=instance,
            session=self.session,
            version=coleman_settings.SALESFORCE_API_VERSION,
        )
        return self

    def _serve_plain_http(self, url):
        prefix = plain_http_prefix(url)
        if prefix and self.own_session:
            self.session.mount(prefix, LoopbackPlainHTTPAdapter())

    def upsert_batch(self, sobject: str, external_id_field: str, records: list[dict]) -> list[dict]:
        """Upsert up to 200 records; one result per record (``success``, ``id``,
        ``created``, ``errors``). A call Salesforce refuses whole raises ``SalesforceError``."""
        if len(records) > 200:
            raise ValueError("Salesforce takes at most 200 records per collection call.")
        body = {
            "allOrNone": False,
            "records": [{"attributes": {"type": sobject}, **record} for record in records],
        }
        results = self.api.restful(f"composite/sobjects/{sobject}/{external_id_field}", method="PATCH", json=body)
        return results or []

    def query(self, soql: str, **params):
        """Yield the records of a SOQL query, page after page (``nextRecordsUrl``).

        Values are passed as keyword arguments and quoted by ``format_soql``:
        ``client.query("SELECT Id FROM Merchandise__c WHERE Name = {name}", name="Jam")``.
        """
        yield from self.api.query_all_iter(format_soql(soql, **params))


__all__ = ["SalesforceClient", "SalesforceError", "SalesforceUnavailable"]
