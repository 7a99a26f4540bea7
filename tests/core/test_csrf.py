"""Masked CSRF tokens made with one read of the random source (``coleman.core.csrf``)."""

from collections import Counter

import pytest
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CsrfViewMiddleware
from django.test import RequestFactory

from coleman.core.csrf import masked_csrf_token, random_csrf_chars


def csrf_checked_post(secret, token):
    """The CSRF middleware's answer to a POST carrying ``token`` with the cookie ``secret``:
    ``None`` when it lets the POST through."""
    request = RequestFactory().post("/", {"csrfmiddlewaretoken": token})
    request.COOKIES["csrftoken"] = secret
    middleware = CsrfViewMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    return middleware.process_view(request, lambda request: HttpResponse(), (), {})


@pytest.mark.django_db  # the refusal page is rendered with the site's context
def test_tokens_pass_django_csrf_check_and_differ_every_time():
    """A token masks the cookie's secret as Django's ``get_token`` does: the middleware accepts
    it, and each call gives a new mask (BREACH)."""
    request = RequestFactory().get("/")
    secret = random_csrf_chars(32)
    request.META["CSRF_COOKIE"] = secret
    tokens = {masked_csrf_token(request) for _ in range(50)}
    assert len(tokens) == 50 and all(len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS) for token in tokens)
    assert all(csrf_checked_post(secret, token) is None for token in tokens)
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie is sent (renewed)
    assert csrf_checked_post(random_csrf_chars(32), tokens.pop()).status_code == 403  # another secret


def test_a_first_visit_gets_a_new_secret_and_its_cookie():
    """Without a CSRF cookie the request gets a new secret, which the response will set."""
    request = RequestFactory().get("/")
    token = masked_csrf_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == 32 and request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert csrf_checked_post(secret, token) is None


def test_characters_are_drawn_uniformly():
    """Every character of the alphabet is about as frequent as the others (no modulo bias:
    a biased draw would make the first 8 characters about 1.25 times as frequent)."""
    counts = Counter(random_csrf_chars(62 * 2000))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    low = [counts[char] for char in CSRF_ALLOWED_CHARS[:8]]
    high = [counts[char] for char in CSRF_ALLOWED_CHARS[8:]]
    assert 0.9 < (sum(low) / len(low)) / (sum(high) / len(high)) < 1.1
