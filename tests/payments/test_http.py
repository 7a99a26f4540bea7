"""The gateway HTTP session: timeouts, certificates, retries only where allowed, errors as GatewayError.

Run against a real HTTP server on loopback (``ScriptedServer``), so urllib3's retries and
requests' error handling are the real ones.
"""

import pytest
from requests.adapters import HTTPAdapter

from coleman.payments.exceptions import GatewayError, GatewayUnavailable
from coleman.payments.http import gateway_session
from tests.payments.scripted_server import DROP, ScriptedServer, closed_port_url
from tests.payments.transport import DjangoTestClientAdapter


def test_a_5xx_is_a_gateway_error_and_is_not_resent_by_default():
    """A 503 raises GatewayUnavailable (with the status); a non-idempotent request is sent once."""
    with ScriptedServer((503, b"busy")) as server:
        with pytest.raises(GatewayUnavailable) as caught:
            gateway_session("Example Pay").post(server.url, data=b"charge=1")
    assert caught.value.status_code == 503 and "Example Pay answered HTTP 503" in str(caught.value)
    assert len(server.requests) == 1


def test_an_idempotent_request_is_resent_unchanged_until_it_succeeds():
    """With idempotent=True a 503 and a dropped connection are retried with the same body."""
    with ScriptedServer((503, b""), DROP, (200, b"done")) as server:
        response = gateway_session("Example Pay", idempotent=True).post(server.url, data=b"ref=R-1&amount=2.00")
    assert response.text == "done"
    assert [body for _, _, _, body in server.requests] == [b"ref=R-1&amount=2.00"] * 3


def test_an_idempotent_request_gives_up_after_its_retries():
    """Three 503s in a row: the last one is raised as GatewayUnavailable."""
    with ScriptedServer((503, b"")) as server:
        with pytest.raises(GatewayUnavailable):
            gateway_session("Example Pay", idempotent=True).post(server.url, data=b"x")
    assert len(server.requests) == 3


def test_a_dropped_connection_is_not_resent_for_a_non_idempotent_protocol():
    """The request may have arrived: without idempotency it is not sent again."""
    with ScriptedServer(DROP, (200, b"")) as server:
        with pytest.raises(GatewayUnavailable, match="could not be reached"):
            gateway_session("Example Pay").post(server.url, data=b"x")
    assert len(server.requests) == 1


def test_a_refused_connection_is_a_gateway_error():
    """Nobody listening: GatewayUnavailable, never a requests exception."""
    with pytest.raises(GatewayError, match="Example Pay could not be reached"):
        gateway_session("Example Pay").get(closed_port_url())


def test_a_slow_service_times_out(settings):
    """The session waits COLEMAN_PAYMENTS_HTTP_TIMEOUT seconds, then raises; the read is not retried."""
    settings.COLEMAN_PAYMENTS_HTTP_TIMEOUT = 0.3
    with ScriptedServer(("sleep", 1.5)) as server:
        with pytest.raises(GatewayUnavailable, match="timed out"):
            gateway_session("Example Pay").post(server.url, data=b"x")
    assert len(server.requests) == 1


def test_4xx_answers_and_redirects_are_returned_to_the_protocol():
    """A 4xx body is the service's refusal, for the protocol's parser; redirects are not followed."""
    with ScriptedServer((403, b"<Error/>"), (302, b"")) as server:
        session = gateway_session("Example Pay")
        assert session.post(server.url, data=b"x").content == b"<Error/>"
        assert session.post(server.url, data=b"x").status_code == 302
    assert [path for _, path, _, _ in server.requests] == ["/", "/"]


@pytest.mark.parametrize("cert", ["/etc/coleman/client.pem", ("/etc/coleman/c.pem", "/etc/coleman/k.pem")])
def test_the_client_certificate_goes_with_every_request(cert):
    """The certificate given to the session is what requests presents for each request."""
    session = gateway_session("Example Pay", cert=cert)
    assert session.merge_environment_settings("https://pay.example/", {}, False, None, None)["cert"] == cert


def test_adapters_named_in_settings_are_mounted(settings):
    """COLEMAN_PAYMENTS_HTTP_ADAPTERS mounts transport adapters by URL prefix; others use HTTP."""
    settings.COLEMAN_PAYMENTS_HTTP_ADAPTERS = {"http://testserver/": "tests.payments.transport.DjangoTestClientAdapter"}
    session = gateway_session("Example Pay")
    assert isinstance(session.get_adapter("http://testserver/sandbox/"), DjangoTestClientAdapter)
    assert isinstance(session.get_adapter("https://pay.example/"), HTTPAdapter)
