"""Hostile input: control characters are refused at the door with the store's 400 page.

These run on whichever database ``DATABASE_URL`` names; CI runs them on SQLite and on
PostgreSQL, where a NUL reaching a query was a 500 (PostgreSQL refuses NUL in text).
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# (method, path, form data): each reached a query with the NUL before the guard existed.
NUL_REQUESTS = [
    ("post", "/checkout/", {"checkout_token": "\x00"}),
    ("get", "/orders/%00/", None),
    ("post", "/orders/%00/feedback/", {"body": "hello"}),
    ("get", "/payments/google/return/%00/", None),
    ("get", "/payments/paypal/return/?token=%00", None),
    ("get", "/payments/paypal/cancel/?token=%00", None),
    ("post", "/payments/paypal/confirm/", {"token": "\x00"}),
    ("post", "/accounts/register/", {"username": "\x00", "email": "a@example.com"}),
    ("post", "/orders/lookup/", {"number": "\x00", "email": "a@example.com"}),
    ("get", "/products/%00/", None),
    ("get", "/search/?q=%00", None),
]


def assert_store_400(response):
    """The store's own 400 page (its layout, a plain reason), not a 500 or a bare error."""
    assert response.status_code == 400
    body = response.content.decode()
    assert "characters that are not allowed" in body
    assert '<link rel="stylesheet"' in body


@pytest.mark.parametrize(("method", "path", "data"), NUL_REQUESTS, ids=[f"{m} {p}" for m, p, _ in NUL_REQUESTS])
def test_nul_in_paths_and_parameters_is_a_400(method, path, data, store):
    """A NUL in a path, query parameter or form field answers 400 with the store's page, on
    every database (it was a 500 on PostgreSQL)."""
    client = Client(raise_request_exception=True)
    client.get("/cart/")  # a session and CSRF cookie like any returning shopper
    response = getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)
    assert_store_400(response)


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1b", "\x7f"])
def test_other_control_characters_in_form_values_are_a_400(client, char):
    """Control characters other than tab, CR and LF are refused in form values too."""
    assert_store_400(client.post("/orders/lookup/", {"number": f"A{char}1", "email": "a@example.com"}))


@pytest.mark.parametrize("path", ["/products/?q%00=1", "/products/?q=%0a", "/products/%0d/"])
def test_control_characters_in_names_and_query_are_a_400(client, path, store):
    """Field names and the path hold no control characters at all; a query value no NUL."""
    response = client.get(path)
    if "q=%0a" in path:
        assert response.status_code == 200  # a newline in a value (a textarea sent by GET) is allowed
    else:
        assert_store_400(response)


def test_form_field_names_are_checked(client):
    """A control character in a posted field's name is refused."""
    assert_store_400(client.post("/orders/lookup/", {"num\x00ber": "1", "email": "a@example.com"}))


def test_tab_and_newlines_in_a_textarea_are_allowed(client):
    """Tab, CR and LF are ordinary in typed text: the form is handled as usual."""
    response = client.post("/orders/lookup/", {"number": "A1", "email": "a@example.com\r\n\t"})
    assert response.status_code == 400
    assert "characters that are not allowed" not in response.content.decode()


def test_nul_in_a_cookie_is_a_400(store):
    """A control character in a cookie (a forged session id) never reaches the session store."""
    client = Client()
    client.cookies["sessionid"] = "abc\x00def12345"
    assert_store_400(client.get("/cart/"))


def test_non_form_bodies_are_left_to_their_views(client):
    """XML a gateway posts is not a form: the guard leaves it to the view (here, refused by auth)."""
    response = client.post("/payments/google/notify/", "<x>\x00</x>", content_type="application/xml")
    assert response.status_code in (401, 403)


def test_guard_runs_before_sessions(settings):
    """The guard stands before anything that reads cookies or the body (sessions, CSRF); the
    production settings keep base's list."""
    middleware = settings.MIDDLEWARE
    guard = middleware.index("coleman.core.middleware.ControlCharacterMiddleware")
    assert guard < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert guard < middleware.index("django.middleware.csrf.CsrfViewMiddleware")


def test_machine_interfaces_get_json(client, store):
    """Under COLEMAN_JSON_ERROR_PATH_PREFIXES (the data API) the refusal is JSON, in the API's formats."""
    response = client.get("/api/products/?q=jam%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "not allowed" in response.json()["detail"]
