"""Talking HTTP to payment services: one ``requests.Session`` built one way for every gateway.

:func:`gateway_session` gives each gateway client (and the gateway sandbox's own calls back to
the store) a session that

* waits at most ``timeout`` seconds (``COLEMAN_PAYMENTS_HTTP_TIMEOUT`` unless the processor
  sets its own) and never follows redirects (an API that redirects is misconfigured);
* presents a client certificate when one is given (Google's Order Processing API took one);
* retries only what the protocol allows: a connection that could not be opened (nothing
  reached the service) is always tried again; a request that may have arrived (read error,
  5xx) is sent again only when the caller says the protocol makes it idempotent (Amazon FPS
  with the same ``CallerReference``);
* turns network errors and 5xx answers into :class:`~coleman.payments.exceptions.GatewayUnavailable`,
  so callers handle one error family and 4xx bodies reach the protocol's parser;
* mounts the transport adapters named in ``COLEMAN_PAYMENTS_HTTP_ADAPTERS`` (URL prefix →
  dotted path of a ``requests`` adapter class). The test settings mount one that hands
  ``http://testserver/`` to Django's test client, so the suite reaches the sandbox without a
  network and without patching anything.
"""

import requests
from django.utils.module_loading import import_string
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from coleman.conf import coleman_settings

from .exceptions import GatewayUnavailable

#: How many times a failed request is sent again (when it may be: see :func:`retry_policy`).
RETRIES = 2
#: 5xx answers that a retry may cure (only for idempotent protocols).
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class GatewaySession(requests.Session):
    """A ``requests.Session`` with a default timeout, no redirects, and errors as ``GatewayUnavailable``."""

    def __init__(self, service, *, timeout):
        super().__init__()
        self.service = service
        self.timeout = timeout

    def request(self, method, url, *args, **kwargs):
        """Send one request; network failures and 5xx answers raise :class:`GatewayUnavailable`."""
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.RequestException as exc:
            raise GatewayUnavailable(f"{self.service} could not be reached: {exc}") from exc
        if response.status_code >= 500:
            raise GatewayUnavailable(
                f"{self.service} answered HTTP {response.status_code}.", status_code=response.status_code
            )
        return response


def retry_policy(*, idempotent):
    """The urllib3 ``Retry`` of a gateway session.

    Connections that could not be opened are retried for every protocol (the request never
    left). Read errors and 5xx answers are retried only when ``idempotent`` (sending the same
    request again cannot do the thing twice); any method may then be retried, POST included.
    """
    return Retry(
        total=RETRIES,
        connect=RETRIES,
        read=RETRIES if idempotent else False,
        status=RETRIES if idempotent else 0,
        other=0,
        redirect=False,
        allowed_methods=None,
        status_forcelist=RETRY_STATUSES if idempotent else None,
        backoff_factor=0.2,
        raise_on_status=False,
        respect_retry_after_header=False,
    )


def gateway_session(service, *, timeout=None, cert=None, idempotent=False) -> GatewaySession:
    """A session for talking to the payment service called ``service`` (used in error messages).

    ``timeout``: seconds (default ``COLEMAN_PAYMENTS_HTTP_TIMEOUT``); ``cert``: a client
    certificate path or ``(certificate, key)`` paths; ``idempotent``: whether the protocol makes
    re-sending a request that may have arrived safe.
    """
    session = GatewaySession(service, timeout=timeout or coleman_settings.PAYMENTS_HTTP_TIMEOUT)
    session.cert = tuple(cert) if isinstance(cert, list) else (cert or None)
    adapter = HTTPAdapter(max_retries=retry_policy(idempotent=idempotent))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    for prefix, adapter_path in coleman_settings.PAYMENTS_HTTP_ADAPTERS.items():
        session.mount(prefix, import_string(adapter_path)())
    return session


__all__ = ["GatewaySession", "gateway_session", "retry_policy"]
