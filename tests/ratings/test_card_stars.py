"""The read-only stars of product cards, and the confirmation page a rating URL shows on GET."""

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.test import Client

from coleman.ratings import services
from coleman.ratings.models import Rating
from tests.factories.users import UserFactory

from .helpers import TEST_LOGIN_URL, rate_url

pytestmark = pytest.mark.django_db

LABELS = ["Rate 1 star", "Rate 2 stars", "Rate 3 stars", "Rate 4 stars", "Rate 5 stars"]


@pytest.fixture
def rated_product(product):
    """``product`` rated 2 stars by another customer."""
    services.rate(UserFactory(), product, 2)
    return product


def grid_of(response) -> str:
    """The product grid of a list page (the part cached for every visitor)."""
    return re.search(r'<ul class="product-grid">.*?</ul>', response.content.decode(), re.S).group(0)


def card_link(page: str, stars: int) -> str:
    """The address of the "Rate ``stars``" link of the (only) card in ``page``."""
    return unescape(re.search(rf'<a [^>]*href="([^"]+)" data-stars="{stars}"', page).group(1))


def hidden_next(page: str) -> str:
    """The value of the confirmation form's hidden ``next`` field."""
    return unescape(re.search(r'name="next" value="([^"]*)"', page).group(1))


# The confirmation page (GET on the rating URL)


def test_anonymous_get_is_sent_to_log_in_and_back_to_the_confirmation(client, product):
    """An anonymous visitor asking for the confirmation page goes to log in, coming back to it."""
    url = rate_url(product, 4) + "?next=/products/"
    response = client.get(url)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == TEST_LOGIN_URL
    assert parse_qs(location.query)["next"] == [url]
    assert not Rating.objects.exists()


def test_confirmation_page_has_a_post_form_with_csrf_and_next(customer_client, product):
    """Logged in, the GET shows "Rate <product> 4 stars?" with a POST form carrying the CSRF
    token, the safe next and the button "Rate 4 stars"; nothing is rated yet."""
    response = customer_client.get(rate_url(product, 4) + "?next=/products/%3Fpage%3D2")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rate Cranberry Relish 4 stars?</h1>" in page
    form = re.search(r'<section class="rating-confirm.*?<form method="post" action="([^"]+)">.*?</form>', page, re.S)
    assert form.group(1) == rate_url(product, 4)
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert hidden_next(page) == "/products/?page=2"
    assert '<button type="submit" class="button">Rate 4 stars</button>' in page
    assert not Rating.objects.exists()


def test_confirmation_page_says_one_star_in_the_singular(customer_client, product):
    """One star is "1 star", not "1 stars"."""
    page = customer_client.get(rate_url(product, 1)).content.decode()
    assert "Rate Cranberry Relish 1 star?" in page
    assert ">Rate 1 star</button>" in page


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_confirmation_page_ignores_foreign_next(customer_client, product, evil):
    """A foreign next is replaced by the product's page in the form."""
    page = customer_client.get(rate_url(product, 3), {"next": evil}, HTTP_REFERER=evil).content.decode()
    assert hidden_next(page) == product.get_absolute_url()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("products.product/{pk}/0/", 400),
        ("products.product/{pk}/6/", 400),
        ("products.product/{pk}/four/", 400),
        ("products.product/999999/3/", 404),
        ("products.product/abc/3/", 404),
        ("auth.user/{pk}/3/", 404),
        ("nosuch/{pk}/3/", 404),
    ],
)
def test_bad_input_gets_the_same_answer_as_the_post(customer_client, product, path, status):
    """Bad ratings and unknown objects answer the GET with the same 4xx as the POST, writing nothing."""
    url = "/ratings/" + path.format(pk=product.pk)
    post_status = customer_client.post(url).status_code
    assert post_status == status
    response = customer_client.get(url)
    assert response.status_code == status
    assert "Sorry, that did not work" in response.content.decode()
    assert not Rating.objects.exists()


# The product cards: read-only stars (rating is done on the product page)


def test_cards_show_read_only_stars_and_no_rating_controls(client, rated_product):
    """A card shows stars filled to the average (an image labelled "Rated 3.5 out of 5") and the
    summary text, with no "Rate n stars" link or button and no rating script."""
    services.rate(UserFactory(), rated_product, 5)
    grid = grid_of(client.get("/products/"))
    assert 'role="img" aria-label="Rated 3.5 out of 5"' in grid
    assert '3.5 <span class="muted">(2 ratings)</span>' in grid
    assert "Rate " not in grid
    assert rate_url(rated_product, 1) not in grid
    assert not [button for button in re.findall(r"<button[^>]*>", grid) if "wishlist" not in button]
    assert "ratings/ratings.js" not in client.get("/products/").content.decode()


def test_cards_hold_no_csrf_token_and_nothing_per_user(client, customer, rated_product):
    """The grid is the same for an anonymous visitor and for a customer who rated; the anonymous
    page hands out no CSRF token, so it stays cacheable whole."""
    anonymous = client.get("/products/")
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()
    assert "csrftoken" not in anonymous.cookies
    services.rate(customer, rated_product, 4)
    cache.clear()
    anonymous = client.get("/products/")
    customer_client = Client()
    customer_client.force_login(customer)
    cache.clear()
    logged_in = customer_client.get("/products/")
    assert grid_of(logged_in) == grid_of(anonymous)
    assert "csrfmiddlewaretoken" not in grid_of(logged_in)


def test_rating_on_the_product_page_refreshes_the_cached_cards(
    customer, rated_product, django_capture_on_commit_callbacks
):
    """Rating with the product page's form (no JavaScript) updates the average on the cached
    list page, for the customer and for anonymous visitors."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    anonymous = Client()
    assert '2 <span class="muted">(1 rating)</span>' in browser.get("/products/").content.decode()
    assert '2 <span class="muted">(1 rating)</span>' in anonymous.get("/products/").content.decode()

    page = browser.get(rated_product.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):  # the catalog cache is refreshed on commit
        response = browser.post(rate_url(rated_product, 4), {"csrfmiddlewaretoken": token, "next": "/products/"})

    assert response.status_code == 302
    after = browser.get(response["Location"]).content.decode()
    assert '3 <span class="muted">(2 ratings)</span>' in after
    assert 'aria-label="Rated 3 out of 5"' in after
    assert '3 <span class="muted">(2 ratings)</span>' in anonymous.get("/products/").content.decode()
    assert Rating.objects.get(user=customer).value == 4
