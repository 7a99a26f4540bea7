"""Request guards shared by every page."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(COLEMAN_MAX_QUERY_STRING_LENGTH=100)
def test_query_string_limit_boundary(client):
    """A query string at the limit is served; one character more is a 400 in the site's style."""
    at_limit = "q=" + "x" * 98
    assert client.get(f"/products/?{at_limit}").status_code == 200
    response = client.get(f"/products/?{at_limit}x")
    assert response.status_code == 400
    assert "too long" in response.content.decode()
    assert '<link rel="stylesheet"' in response.content.decode()


@override_settings(COLEMAN_MAX_QUERY_STRING_LENGTH=100)
def test_query_string_limit_answers_programs_in_json(client):
    """Under the API's prefix (and for clients that ask for JSON) the same refusal is JSON, the
    format the API documents for its errors, not the site's HTML page."""
    too_long = "page=" + "9" * 100
    api = client.get(f"/api/categories/?{too_long}")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/json"
    assert "too long" in api.json()["detail"]
    asked = client.get(f"/products/?{too_long}", HTTP_ACCEPT="application/json")
    assert asked.status_code == 400
    assert asked.json()["detail"] == api.json()["detail"]


def test_content_security_policy_is_off_unless_configured(client):
    """By default (development, tests) no policy header is sent."""
    response = client.get("/products/")
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.parametrize(
    ("mode", "header"),
    [("enforce", "Content-Security-Policy"), ("report-only", "Content-Security-Policy-Report-Only")],
)
def test_content_security_policy_modes(client, settings, mode, header):
    """Enforced or report-only, the store's policy allows scripts and styles from the site only."""
    settings.COLEMAN_CONTENT_SECURITY_POLICY_MODE = mode
    policy = client.get("/products/")[header]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_content_security_policy_adds_cdn_origins_and_report_uri(client, settings):
    """Absolute STATIC_URL and MEDIA_URL origins join the directives that load them."""
    settings.COLEMAN_CONTENT_SECURITY_POLICY_MODE = "enforce"
    settings.STATIC_URL = "https://cdn.example/static/"
    settings.MEDIA_URL = "https://media.example/m/"
    settings.COLEMAN_CONTENT_SECURITY_POLICY_REPORT_URI = "/csp-report/"
    policy = client.get("/healthz").headers["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.example;" in policy
    assert "img-src 'self' data: https://cdn.example https://media.example;" in policy
    assert policy.endswith("report-uri /csp-report/")


def test_production_enforces_the_policy():
    """The production settings turn the policy on."""
    text = (settings_dir() / "production.py").read_text()
    assert (
        'COLEMAN_CONTENT_SECURITY_POLICY_MODE = os.environ.get("COLEMAN_CONTENT_SECURITY_POLICY_MODE", "enforce")'
        in text
    )


def settings_dir():
    """The project's settings package."""
    return Path(__file__).resolve().parents[2] / "ecommerce_book" / "settings"


INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.IGNORECASE)


def test_no_template_has_inline_scripts_handlers_or_styles():
    """Every template of the store (and its apps) keeps scripts and styles in static files, so
    the policy needs no 'unsafe-inline'. Email bodies are not pages (no policy applies, and
    mail clients need inline styles)."""
    root = settings_dir().parents[1]
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in [*root.glob("templates/**/*.html"), *root.glob("coleman/**/templates/**/*.html")]
        if "email" not in path.parts
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []
