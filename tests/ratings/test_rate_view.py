"""The rating endpoint: permissions, allowed models, JSON or redirect, CSRF, bad input."""

import json
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.test import Client

from coleman.ratings.models import Rating, RatingSummary
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

from .helpers import rate_url

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
BROWSER_ACCEPT = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_json_answer_has_new_average_count_and_user_rating(customer_client, product):
    """Asked for JSON, the view answers the new average, the count and the user's stars."""
    Rating.objects.create(content_object=product, user=UserFactory(), value=2)
    RatingSummary.objects.create(content_object=product, rating_count=1, rating_total=2)
    response = customer_client.post(rate_url(product, 4), **JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["ok"] is True
    assert data["stars"] == 4
    assert data["count"] == 2
    assert data["average"] == "3.00"
    assert data["average_display"] == "3"
    assert data["count_display"] == "2 ratings"
    assert data["average_label"] == "Rated 3 out of 5"
    assert data["message"] == "Thanks! You rated Cranberry Relish 4 stars."


def test_browser_post_redirects_back_with_a_message(customer_client, product):
    """A plain form post (browser Accept header) rates and redirects to the page given in next."""
    response = customer_client.post(
        rate_url(product, 5), {"next": product.get_absolute_url() + "?from=list"}, **BROWSER_ACCEPT
    )
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url() + "?from=list"
    assert Rating.objects.get().value == 5
    page = customer_client.get(response["Location"])
    assert "Thanks! You rated Cranberry Relish 5 stars." in page.content.decode()


def test_redirect_falls_back_to_referer_then_object_page(customer_client, product):
    """Without next the view returns to the Referer (same site), else to the object's page."""
    referer = "http://testserver/products/"
    response = customer_client.post(rate_url(product, 3), HTTP_REFERER=referer)
    assert response["Location"] == referer
    response = customer_client.post(rate_url(product, 3))
    assert response["Location"] == product.get_absolute_url()


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "javascript:alert(1)",
        "https:///evil.example",
        "\\\\evil",
    ],
)
def test_no_open_redirect(customer_client, product, evil):
    """Foreign next values and Referers are ignored: the shopper goes to the product page."""
    response = customer_client.post(rate_url(product, 3), {"next": evil}, HTTP_REFERER=evil)
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()


def test_anonymous_users_are_sent_to_log_in_and_back(client, product):
    """An anonymous rating goes to the login page with next = the page the shopper was on."""
    response = client.post(rate_url(product, 4), {"next": product.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(product.get_absolute_url(), safe='/')}"
    assert not Rating.objects.exists()


def test_anonymous_json_gets_401_with_the_login_address(client, product):
    """Scripts get 401 and the login address to send the shopper to."""
    response = client.post(rate_url(product, 4), {"next": "/products/"}, **JSON)
    assert response.status_code == 401
    assert response.json() == {
        "ok": False,
        "error": "Please log in to rate.",
        "login_url": "/accounts/login/?next=/products/",
    }


def test_anonymous_without_a_login_page_gets_a_clear_403(settings, client, product):
    """If LOGIN_URL names no page (customers app missing) the answer is a 403 page, not a 500."""
    settings.LOGIN_URL = "no-such-url-name"
    response = client.post(rate_url(product, 4))
    assert response.status_code == 403
    assert "Please log in to rate." in response.content.decode()


def test_rating_again_changes_it_through_the_view(customer_client, product):
    """Two posts by one user leave one rating with the latest value."""
    customer_client.post(rate_url(product, 1), **JSON)
    data = customer_client.post(rate_url(product, 4), **JSON).json()
    assert data["count"] == 1 and data["average"] == "4.00"
    assert Rating.objects.count() == 1


@pytest.mark.parametrize("bad", ["0", "6", "-1", "abc", "3.5", "10", "%20", "4e0"])
def test_bad_ratings_get_400_with_a_clear_message(customer_client, product, bad):
    """Ratings outside 1–5 or not whole numbers answer 400 saying what a rating is."""
    response = customer_client.post(f"/ratings/products.product/{product.pk}/{bad}/")
    assert response.status_code == 400
    assert "A rating is a whole number of stars from 1 to 5." in response.content.decode()
    response = customer_client.post(f"/ratings/products.product/{product.pk}/{bad}/", **JSON)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "A rating is a whole number of stars from 1 to 5."}
    assert not Rating.objects.exists()


@pytest.mark.parametrize("label", ["nosuch.model", "products", "auth.user", "sessions.session", "PRODUCTS.PRODUCTX"])
def test_unknown_and_disallowed_models_get_404(customer_client, customer, product, label):
    """Unknown content types and models not allowed by the setting answer 404 with a message."""
    response = customer_client.post(f"/ratings/{label}/{customer.pk}/3/", **JSON)
    assert response.status_code == 404
    assert response.json()["error"] == "Objects of this kind cannot be rated or reviewed."
    response = customer_client.post(f"/ratings/{label}/{customer.pk}/3/")
    assert response.status_code == 404
    assert "cannot be rated" in response.content.decode()
    assert not Rating.objects.exists()


def test_model_label_is_case_insensitive(customer_client, product):
    """``Products.Product`` names the same allowed model."""
    response = customer_client.post(f"/ratings/Products.Product/{product.pk}/3/", **JSON)
    assert response.status_code == 200


@pytest.mark.parametrize("object_id", ["999999", "abc", "0", "99999999999999999999999"])
def test_unknown_objects_get_404(customer_client, product, object_id):
    """Ids of no product answer 404 with a message."""
    response = customer_client.post(f"/ratings/products.product/{object_id}/3/", **JSON)
    assert response.status_code == 404
    assert response.json()["error"] == "We could not find what you wanted to rate."


def test_inactive_products_get_404(customer_client):
    """A discontinued product cannot be rated."""
    product = ProductFactory(is_active=False)
    assert customer_client.post(rate_url(product, 3)).status_code == 404


def test_get_writes_nothing(customer_client, product):
    """Rating changes data, so only POST rates: a GET shows a confirmation page and writes nothing."""
    assert customer_client.get(rate_url(product, 3)).status_code == 200
    assert not Rating.objects.exists()
    assert customer_client.put(rate_url(product, 3)).status_code == 405


def test_csrf_is_enforced(customer, product):
    """Without the CSRF token the post is refused (403); with it, it is accepted."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(customer)
    assert csrf_client.post(rate_url(product, 3), **JSON).status_code == 403
    assert not Rating.objects.exists()
    page = csrf_client.get(product.get_absolute_url())
    token = page.cookies["csrftoken"].value
    response = csrf_client.post(rate_url(product, 3), HTTP_X_CSRFTOKEN=token, **JSON)
    assert response.status_code == 200
    assert json.loads(response.content)["stars"] == 3


def test_summary_is_updated_for_lists(customer_client, product):
    """After rating, the product's stored summary has the new numbers."""
    customer_client.post(rate_url(product, 2), **JSON)
    summary = RatingSummary.objects.for_object(product).get()
    assert (summary.rating_count, summary.average) == (1, Decimal("2.00"))
