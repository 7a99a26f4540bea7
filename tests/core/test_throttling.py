"""How throttles tell clients apart and count."""

import pytest
from django.test import override_settings

from coleman.core.throttling import Throttle, client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own prefix is not trusted
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "10.0.0.1"),  # direct request without the header
        (3, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: fall back
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(rf, proxies, forwarded, expected):
    """The client address is read from the right of X-Forwarded-For, as far as proxies are trusted."""
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(COLEMAN_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_throttle_counts_to_its_limit_and_resets():
    """A throttle is exceeded after ``limit`` hits and forgets them on reset."""
    throttle = Throttle("test", "key", limit=2, window=60)
    assert not throttle.is_exceeded()
    assert throttle.hit() == 1
    assert throttle.hit() == 2
    assert throttle.is_exceeded()
    throttle.reset()
    assert throttle.count == 0


def test_throttle_keys_do_not_contain_the_raw_identifiers():
    """Usernames and addresses are hashed into cache keys (no PII, no key-injection)."""
    throttle = Throttle("login", "alice@example.com", "203.0.113.9", limit=1, window=60)
    assert "alice" not in throttle.key and "203.0.113.9" not in throttle.key
    assert Throttle("login", "a", "b", limit=1, window=60).key != Throttle("login", "a\x1fb", limit=1, window=60).key


def test_throttle_minutes_round_up():
    """Messages state the window in whole minutes, rounded up."""
    assert Throttle("t", "k", limit=1, window=61).minutes == 2
    assert Throttle("t", "k", limit=1, window=900).minutes == 15


@pytest.mark.parametrize("value", [-1, "1", True])
def test_bad_proxy_count_is_reported(value):
    """The proxy count must be a whole number, zero or more (coleman.E001)."""
    from coleman.core.checks import check_core_settings

    with override_settings(COLEMAN_PROXY_COUNT=value):
        assert [error.id for error in check_core_settings()] == ["coleman.E001"]


def test_client_throttle_separates_clients_behind_the_proxy(rf):
    """Behind one proxy, two clients get two throttles: the proxy's own address is not the key."""
    first = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    second = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    with override_settings(COLEMAN_PROXY_COUNT=1):
        a = Throttle.for_client(first, "scope", limit=1, window=60)
        b = Throttle.for_client(second, "scope", limit=1, window=60)
    assert a.key != b.key
