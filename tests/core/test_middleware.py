"""Request guards shared by every page."""

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
