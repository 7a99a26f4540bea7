"""The star links of product cards and the confirmation page their rating URL shows on GET."""

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.test import Client

from coleman.ratings import services
from coleman.ratings.models import Rating
from tests.factories.products import ProductFactory
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


# The links on the cards


def test_cards_have_five_labelled_star_links_to_the_rating_urls(client, rated_product):
    """Each card has links "Rate 1 star" … "Rate 5 stars" to the rating URLs with next = the
    list page, lit to the average, and keeps the summary text."""
    services.rate(UserFactory(), rated_product, 5)  # average 3.5: four stars lit
    page = client.get("/products/").content.decode()
    for n, label in enumerate(LABELS, 1):
        assert f'<span class="visually-hidden">{label}</span>' in page
        assert card_link(page, n) == rate_url(rated_product, n) + "?next=%2Fproducts%2F"
    assert len(re.findall(r'<a class="rating-star is-filled"', page)) == 4
    assert 'role="group" aria-label="Rated 3.5 out of 5"' in page
    assert '3.5 <span class="muted">(2 ratings)</span>' in page
    assert 'role="status" aria-live="polite"' in page
    assert page.count("ratings/ratings.js") == 1


def test_card_links_come_back_to_the_same_page_of_the_list(client, settings, rated_product):
    """On page 2 the links come back to page 2; other query parameters are not kept."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 1
    ProductFactory(name="Apple Jam")  # first alphabetically: the rated product is on page 2
    page = client.get("/products/?page=2&utm_source=mail").content.decode()
    assert card_link(page, 3) == rate_url(rated_product, 3) + "?next=%2Fproducts%2F%3Fpage%3D2"


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
    assert "aria-pressed" not in grid_of(logged_in)


def test_no_javascript_journey_follow_the_card_link_confirm_and_come_back(
    customer, rated_product, django_capture_on_commit_callbacks
):
    """Without JavaScript: follow the card's "Rate 4 stars" link, confirm on the page it shows,
    and land back on the list, which shows the new average (the cached grid was refreshed)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    anonymous = Client()
    before = browser.get("/products/").content.decode()  # builds and caches the grid
    assert '2 <span class="muted">(1 rating)</span>' in before
    assert '2 <span class="muted">(1 rating)</span>' in anonymous.get("/products/").content.decode()

    confirmation = browser.get(card_link(before, 4))
    page = confirmation.content.decode()
    assert "Rate Cranberry Relish 4 stars?" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    action = re.search(r'<section class="rating-confirm.*?<form method="post" action="([^"]+)">', page, re.S).group(1)
    with django_capture_on_commit_callbacks(execute=True):  # the catalog cache is refreshed on commit
        response = browser.post(action, {"csrfmiddlewaretoken": token, "next": hidden_next(page)})

    assert response.status_code == 302
    assert response["Location"] == "/products/"
    after = browser.get(response["Location"]).content.decode()
    assert "Thanks! You rated Cranberry Relish 4 stars." in after
    assert '3 <span class="muted">(2 ratings)</span>' in after
    assert 'aria-label="Rated 3 out of 5"' in after
    assert '3 <span class="muted">(2 ratings)</span>' in anonymous.get("/products/").content.decode()
    assert Rating.objects.get(user=customer).value == 4


def test_the_card_post_with_the_header_token_answers_json(customer, rated_product, django_capture_on_commit_callbacks):
    """What ratings.js sends from a card (POST, X-CSRFToken header, Accept JSON) rates, and the
    list page then shows the new average."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    token = browser.get(rate_url(rated_product, 5)).cookies["csrftoken"].value
    link = card_link(browser.get("/products/").content.decode(), 5)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(link, HTTP_X_CSRFTOKEN=token, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["average_display"] == "3.5"
    assert '3.5 <span class="muted">(2 ratings)</span>' in browser.get("/products/").content.decode()
