"""Ratings in product lists and on the product page: shown, and read in a fixed number of queries."""

import re

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.checks import run_checks
from django.test import override_settings

from coleman.ratings import services
from coleman.ratings.models import Review, ReviewStatus
from tests.factories.products import CategoryFactory, ProductFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def make_rated_products(count, category):
    """``count`` products in ``category``, each rated by two users and reviewed once."""
    raters = [UserFactory(), UserFactory()]
    products = [ProductFactory(category=category) for _ in range(count)]
    for product in products:
        services.rate(raters[0], product, 5)
        services.rate(raters[1], product, 2)
        services.post_review(raters[0], product, "Good.")
    return products


@pytest.mark.parametrize("url_of", ["list", "category", "home"])
def test_list_queries_do_not_grow_with_the_number_of_products(client, settings, url_of, django_assert_num_queries):
    """A list of 1 or 50 rated products runs the same number of queries, pinned."""
    settings.COLEMAN_PRODUCTS_PER_PAGE = 100
    settings.COLEMAN_HOME_NEW_PRODUCTS = 60
    counts = {}
    for size in (1, 50):
        category = CategoryFactory()
        make_rated_products(size, category)
        url = {"list": "/products/", "category": category.get_absolute_url(), "home": "/"}[url_of]
        client.get(url)  # warm the content type cache
        cache.clear()  # measure the page built from the database, not the catalog page cache
        page = None
        with django_assert_num_queries(EXPECTED_QUERIES[url_of]) as captured:
            page = client.get(url)
        counts[size] = len(captured)
        assert page.status_code == 200
    assert counts[1] == counts[50]


# Product list: count, the page's ids, its products, summaries. Category page: catalog,
# categories, count, ids, products, summaries. Home: catalogs, new products, featured products,
# summaries of the new products. Each: the header's category menu, and the running offers
# (prices shown are Product.get_price()).
OFFERS = 1 if apps.is_installed("coleman.offers") else 0
EXPECTED_QUERIES = {"list": 5 + OFFERS, "category": 7 + OFFERS, "home": 5 + OFFERS}


def test_cards_show_average_rating_and_review_counts(client):
    """Each product card shows its average stars, number of ratings and number of reviews."""
    product = make_rated_products(1, CategoryFactory())[0]
    ProductFactory(name="Unrated Jam")
    page = client.get("/products/").content.decode()
    assert 'aria-label="Rated 3.5 out of 5"' in page
    assert '3.5 <span class="muted">(2 ratings)</span>' in page
    assert "1 review" in page
    assert "Not rated yet" in page
    assert product.name in page


def test_product_page_queries_do_not_grow_with_reviews(client, django_assert_num_queries):
    """The product page reads the same number of queries with 1 or 30 reviews."""
    counts = []
    for size in (1, 30):
        product = ProductFactory()
        for _ in range(size):
            services.post_review(UserFactory(), product, "Fine.", stars=4)
        client.get(product.get_absolute_url())
        cache.clear()  # the catalog fragment is built again: the count covers the whole page
        with django_assert_num_queries(PRODUCT_PAGE_QUERIES) as captured:
            response = client.get(product.get_absolute_url())
        assert response.content.decode().count("Fine.") == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


# product (+category, catalog), its catalog's categories (breadcrumbs), details, summary,
# reviews with authors, the authors' ratings, the header's category menu, the product's active
# variants (+ the running offers, + the display currencies' rates).
CURRENCIES = 1 if apps.is_installed("coleman.currencies") else 0
PRODUCT_PAGE_QUERIES = 8 + OFFERS + CURRENCIES


def test_product_page_queries_for_a_customer_do_not_grow(client, customer, django_assert_num_queries):
    """Logged in (own rating and a pending review), the product page's query count is fixed too."""
    client.force_login(customer)
    counts = []
    for size in (1, 30):
        product = ProductFactory()
        for _ in range(size):
            services.post_review(UserFactory(), product, "Fine.", stars=4)
        services.rate(customer, product, 2)
        services.post_review(customer, product, "Mine.")
        services.set_review_status(Review.objects.filter(user=customer), ReviewStatus.PENDING)
        client.get(product.get_absolute_url())
        cache.clear()  # the catalog fragment is built again: the count covers the whole page
        with django_assert_num_queries(CUSTOMER_PRODUCT_PAGE_QUERIES) as captured:
            response = client.get(product.get_absolute_url())
        assert "Your review is waiting for approval" in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1]


# The anonymous queries, plus session, user (the cache was cleared), the customer's rating and
# own (unpublished) review.
CUSTOMER_PRODUCT_PAGE_QUERIES = PRODUCT_PAGE_QUERIES + 4


def test_product_page_shows_the_star_tool_with_labelled_buttons(client, customer, product):
    """The product page has a form with five submit buttons labelled "Rate 1 star" … "Rate 5 stars",
    the user's current rating pressed."""
    services.rate(customer, product, 3)
    client.force_login(customer)
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'class="rating-form" method="post"' in page
    for n, label in enumerate(["Rate 1 star", "Rate 2 stars", "Rate 3 stars", "Rate 4 stars", "Rate 5 stars"], 1):
        assert f'<span class="visually-hidden">{label}</span>' in page
        assert f'formaction="/ratings/products.product/{product.pk}/{n}/"' in page
    assert page.count('aria-pressed="true"') == 1
    pressed = re.search(r'<button[^>]*aria-pressed="true"[^>]*>', page).group(0)
    assert 'data-stars="3"' in pressed
    assert len(re.findall(r'class="rating-star is-filled"', page)) == 3
    assert "You rated this 3 stars." in page
    assert page.count("ratings/ratings.css") == 1
    assert page.count("ratings/ratings.js") == 1


def test_misconfigured_allowed_models_are_reported_by_checks(settings):
    """System checks name entries that are not installed models or not a list."""
    settings.COLEMAN_RATINGS_ALLOWED_MODELS = ["products.product", "nosuch.model", "products"]
    ids = [error.id for error in run_checks() if error.id.startswith("coleman.E06")]
    assert ids == ["coleman.E061", "coleman.E061"]
    settings.COLEMAN_RATINGS_ALLOWED_MODELS = "products.product"
    assert [e.id for e in run_checks() if e.id.startswith("coleman.E06")] == ["coleman.E060"]
    settings.COLEMAN_RATINGS_ALLOWED_MODELS = ["sessions.session"]  # text primary key
    assert [e.id for e in run_checks() if e.id.startswith("coleman.E06")] == ["coleman.E062"]
    settings.COLEMAN_RATINGS_ALLOWED_MODELS = ["products.product"]
    assert [e.id for e in run_checks() if e.id.startswith("coleman.E06")] == []


def test_store_works_without_the_ratings_app(client, product):
    """With coleman.ratings removed from INSTALLED_APPS the product pages render without ratings."""
    apps_without = [app for app in django_settings.INSTALLED_APPS if app != "coleman.ratings"]
    with override_settings(INSTALLED_APPS=apps_without):
        for url in ["/", "/products/", product.get_absolute_url()]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "rating" not in response.content.decode().lower(), url
