"""Rating and review posts are limited per client address, with the store's one address rule."""

import pytest
from django.core.checks import run_checks

from coleman.ratings.models import Rating, Review
from coleman.ratings.views import RateView
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

from .helpers import rate_url, review_url

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def limits(settings):
    """Small limits, so a few posts reach them."""
    settings.COLEMAN_RATINGS_RATE_POSTS = 3
    settings.COLEMAN_RATINGS_REVIEW_POSTS = 2
    settings.COLEMAN_RATINGS_POSTS_WINDOW = 300
    return settings


def test_ratings_beyond_the_limit_answer_429_json_and_change_nothing(customer_client, product, limits):
    """The fourth rating post from one address in the window is refused with 429 and a JSON error."""
    for stars in (1, 2, 3):
        assert customer_client.post(rate_url(product, stars), **JSON).status_code == 200
    response = customer_client.post(rate_url(product, 5), **JSON)
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert response.json() == {
        "ok": False,
        "error": "Too many ratings in a short time. Please wait 5 minutes and try again.",
    }
    assert Rating.objects.get().value == 3


def test_a_throttled_browser_post_gets_a_page_with_429(customer_client, product, limits):
    """A plain form post beyond the limit gets the problem page, status 429, with the reason."""
    for _ in range(3):
        customer_client.post(rate_url(product, 4))
    response = customer_client.post(rate_url(product, 2))
    assert response.status_code == 429
    assert "Too many ratings in a short time." in response.content.decode()
    assert Rating.objects.get().value == 4


def test_the_limit_is_per_client_address_behind_the_proxy(client, product, limits):
    """Behind one proxy, the address comes from X-Forwarded-For: another client still rates."""
    limits.COLEMAN_PROXY_COUNT = 1
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    for _ in range(3):
        client.post(rate_url(product, 4), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7", **JSON)
    blocked = client.post(rate_url(product, 4), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7", **JSON)
    assert blocked.status_code == 429
    client.force_login(second)
    other = client.post(rate_url(product, 4), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9", **JSON)
    assert other.status_code == 200
    assert Rating.objects.filter(user=second).exists()


def test_refused_posts_do_not_extend_the_lock(customer_client, product, limits):
    """Posts refused while throttled are not counted: the count stays at the limit."""
    for _ in range(3):
        customer_client.post(rate_url(product, 4), **JSON)
    for _ in range(5):
        assert customer_client.post(rate_url(product, 4), **JSON).status_code == 429
    request = customer_client.post(rate_url(product, 4), **JSON).wsgi_request
    assert RateView().post_throttle(request).count == 3


def test_getting_the_confirmation_page_is_not_counted(customer_client, product, limits):
    """Only posts count: the GET confirmation page never uses up the limit."""
    for _ in range(5):
        assert customer_client.get(rate_url(product, 4)).status_code == 200
    assert customer_client.post(rate_url(product, 4), **JSON).status_code == 200


def test_reviews_beyond_the_limit_answer_429_and_are_not_saved(customer_client, product, limits):
    """The third review post in the window gets 429 with the reason on a page; the review is unchanged."""
    for text in ("First words.", "Second words."):
        assert customer_client.post(review_url(product), {"body": text}).status_code == 302
    response = customer_client.post(review_url(product), {"body": "Third words."})
    assert response.status_code == 429
    assert "Too many reviews in a short time. Please wait 5 minutes and try again." in response.content.decode()
    assert Review.objects.get().body == "Second words."


def test_invalid_review_posts_count_too(customer_client, product, limits):
    """Every post counts, valid or not, so a robot cannot probe the form without limit."""
    for _ in range(2):
        assert customer_client.post(review_url(product), {"body": ""}).status_code == 400
    assert customer_client.post(review_url(product), {"body": "Fine words."}).status_code == 429


def test_rating_and_review_limits_are_separate(customer_client, limits):
    """Reaching the review limit leaves ratings alone, and the other way round."""
    product = ProductFactory()
    for _ in range(2):
        customer_client.post(review_url(product), {"body": "Words."})
    assert customer_client.post(review_url(product), {"body": "Words."}).status_code == 429
    assert customer_client.post(rate_url(product, 5), **JSON).status_code == 200


@pytest.mark.parametrize("value", [0, -1, "10", True, None])
def test_bad_limits_fail_the_system_check(settings, value):
    """A limit or window that is not a positive whole number is reported as coleman.E063."""
    settings.COLEMAN_RATINGS_REVIEW_POSTS = value
    assert [error.id for error in run_checks() if error.id == "coleman.E063"] == ["coleman.E063"]
