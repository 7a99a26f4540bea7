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
