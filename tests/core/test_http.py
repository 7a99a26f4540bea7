"""The shared request helpers: safe redirects and content negotiation."""

import pytest

from coleman.core.http import safe_next_url, wants_json


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", True),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),
        ("*/*", False),
        ("", False),
        ("application/json, text/html;q=0.5", True),
    ],
)
def test_wants_json_follows_the_accept_header(rf, accept, expected):
    """JSON only when the client prefers it to HTML; browsers get pages."""
    assert wants_json(rf.get("/", HTTP_ACCEPT=accept)) is expected


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/cart/", "/cart/"),
        ("https://evil.example/", "/home/"),
        ("//evil.example/", "/home/"),
        ("", "/home/"),
    ],
)
def test_safe_next_url_refuses_other_sites(rf, next_url, expected):
    """``next`` is followed only when it points to this site."""
    assert safe_next_url(rf.post("/", {"next": next_url}), "/home/") == expected


def test_referer_is_used_only_when_asked(rf):
    """The Referer is a fallback for forms posted from any page, and only on this site."""
    request = rf.post("/", HTTP_REFERER="http://testserver/products/jam/")
    assert safe_next_url(request, "/") == "/"
    assert safe_next_url(request, "/", use_referer=True) == "http://testserver/products/jam/"
    foreign = rf.post("/", HTTP_REFERER="http://evil.example/")
    assert safe_next_url(foreign, "/", use_referer=True) == "/"
