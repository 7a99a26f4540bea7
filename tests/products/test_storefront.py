"""The storefront pages: what a shopper sees, and the answers to bad addresses."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories.products import ProductFactory
from tests.helpers import site_without

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_home_shows_catalogs_featured_and_new_products(client, store):
    """The home page links both catalogs, shows featured and new products, hides discontinued ones."""
    page = text(client.get("/"))
    assert 'href="/catalogs/fall-collection/"' in page
    assert 'href="/catalogs/standard-collection/"' in page
    featured = page.split('id="featured-heading"')[1].split("</section>")[0]
    assert "Cranberry Scented Candle" in featured and "Cranberry Juice" not in featured
    assert "Cranberry Juice" in page.split('id="new-heading"')[1]
    assert "Bog Mouse Pad" not in page


def test_home_title_is_the_stores_setting(client, store, settings):
    """The home page's title is COLEMAN_PRODUCTS_HOME_TITLE with the store's name (the project
    sets CranStore's); without that setting the title is the store's name alone."""
    assert "<title>Cranberry foods, drinks and gifts · CranStore</title>" in text(client.get("/"))
    del settings.COLEMAN_PRODUCTS_HOME_TITLE
    cache.clear()
    assert "<title>CranStore</title>" in text(client.get("/"))
    settings.COLEMAN_PRODUCTS_HOME_TITLE = "Fresh from the bog"
    cache.clear()
    assert "<title>Fresh from the bog · CranStore</title>" in text(client.get("/"))


def test_product_list_is_alphabetical_active_and_priced(client, store):
    """All products lists active products by name with their prices."""
    response = client.get("/products/")
    assert response.status_code == 200
    page = text(response)
    names = ["Cranberry Juice", "Cranberry Preserves", "Cranberry Scented Candle", "Harvest T-shirt"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Bog Mouse Pad" not in page
    assert "$4.50" in page and "$18.00" in page


@override_settings(COLEMAN_PRODUCTS_PER_PAGE=2)
def test_product_list_paginates(client, store):
    """With two products a page, page 2 holds the next two and links back and forth."""
    first, second = text(client.get("/products/")), text(client.get("/products/?page=2"))
    assert "Cranberry Juice" in first and "Cranberry Scented Candle" not in first
    assert "Cranberry Scented Candle" in second and "Harvest T-shirt" in second
    assert "Page 2 of 2" in second
    assert 'href="?page=1"' in second
    assert "4 products" in first


def test_catalog_page_shows_tree_and_its_products_only(client, store):
    """A catalog page lists its category tree and only its own active products."""
    page = text(client.get("/catalogs/fall-collection/"))
    tree = page.split('class="category-tree"', 1)[1]
    for name in ["Gifts", "Candles", "Apparel", "Food"]:
        assert f">{name}</a>" in tree
    assert "Cranberry Scented Candle" in page and "Cranberry Preserves" in page
    assert "Cranberry Juice" not in page  # standard collection
    assert "Bog Mouse Pad" not in page


def test_category_page_includes_sub_categories(client, store):
    """Gifts lists the products of Candles and Apparel; Candles lists only its own."""
    gifts = text(client.get("/catalogs/fall-collection/gifts/"))
    assert "Cranberry Scented Candle" in gifts and "Harvest T-shirt" in gifts
    assert "Cranberry Preserves" not in gifts
    candles = text(client.get("/catalogs/fall-collection/candles/"))
    assert "Cranberry Scented Candle" in candles and "Harvest T-shirt" not in candles


def test_category_page_breadcrumbs_and_current_category(client, store):
    """Breadcrumbs lead Home › catalog › parent › category; the tree marks the current category."""
    page = text(client.get("/catalogs/fall-collection/candles/"))
    crumbs = page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert crumbs.index("Home") < crumbs.index("Fall Collection") < crumbs.index("Gifts") < crumbs.index("Candles")
    assert 'href="/catalogs/fall-collection/candles/" aria-current="page">Candles' in page
    assert "<title>Candles · Fall Collection · " in page


def test_product_page_shows_price_attributes_and_breadcrumbs(client, store):
    """The product page shows name, price, description, attributes and where it sits in the catalog."""
    page = text(client.get("/products/cranberry-preserves/"))
    assert "<h1>Cranberry Preserves</h1>" in page
    assert "$4.50" in page
    assert "Tasty jam made from cranberries." in page
    assert "<dt>Tartness</dt><dd>Extremely Tart" in page
    assert 'href="/catalogs/fall-collection/food/"' in page


def test_product_page_without_cart_app_has_no_add_to_cart(client, store):
    """With the cart app the product page has an "Add to cart" form; without it (and the apps
    that need it) the form is left out rather than broken."""
    assert "Add to cart" in text(client.get("/products/cranberry-preserves/"))
    with site_without(["coleman.cart", "coleman.orders", "coleman.payments", "coleman.payments.sandbox"]):
        response = client.get("/products/cranberry-preserves/")
        assert response.status_code == 200
        assert "Add to cart" not in text(response) and "Cranberry Preserves" in text(response)


def test_stock_messages(client, store):
    """Sold-out products say so; a low tracked stock is announced; untracked stock says nothing."""
    ProductFactory(name="Last Jars", slug="last-jars", stock=3)
    ProductFactory(name="Gone Jars", slug="gone-jars", stock=0)
    assert "Only 3 left" in text(client.get("/products/last-jars/"))
    assert "Out of stock" in text(client.get("/products/gone-jars/"))
    page = text(client.get("/products/cranberry-preserves/"))
    assert "Out of stock" not in page and "left" not in page


def test_placeholder_when_a_product_has_no_photo(client, store):
    """A product without a photo gets a labelled placeholder instead of a broken image."""
    assert 'aria-label="No photo of Cranberry Preserves yet"' in text(client.get("/products/cranberry-preserves/"))


@pytest.mark.parametrize(
    "url",
    [
        "/products/no-such-thing/",
        "/products/bog-mouse-pad/",  # discontinued
        "/catalogs/no-such-catalog/",
        "/catalogs/no-such-catalog/candles/",
        "/catalogs/fall-collection/no-such-category/",
        "/catalogs/standard-collection/candles/",  # a category of another catalog
    ],
)
def test_unknown_or_inactive_things_are_404_in_the_sites_style(client, store, url):
    """Unknown slugs and discontinued products answer 404 with the store's own error page."""
    response = client.get(url)
    assert response.status_code == 404
    assert "We couldn&#x27;t find that page" in text(response) or "We couldn't find that page" in text(response)
    assert "CranStore" in text(response)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "", "last", "²", "1" * 40])
@pytest.mark.parametrize("url", ["/products/", "/catalogs/fall-collection/", "/catalogs/fall-collection/gifts/"])
def test_bad_page_numbers_are_404(client, store, url, page):
    """Page numbers that are not a page of the list answer 404 in the site's style, never 500."""
    response = client.get(url, {"page": page})
    assert response.status_code == 404
    assert "find that page" in text(response)


def test_oversized_query_string_is_400_in_the_sites_style(client, store):
    """A query string over the limit is refused with the store's 400 page before any view runs."""
    response = client.get("/products/?page=1&junk=" + "x" * 5000)
    assert response.status_code == 400
    assert "The address of this page is too long." in text(response)
    assert client.get("/products/?page=1&junk=" + "x" * 100).status_code == 200


def test_other_query_parameters_do_not_change_the_page(client, store):
    """Tracking parameters are ignored (and do not make new cache entries)."""
    assert text(client.get("/products/?utm_source=mail")) == text(client.get("/products/"))


def test_empty_store_pages_render(client, db):
    """A store with no products yet shows friendly empty pages, not errors."""
    assert "No products here yet" in text(client.get("/products/"))
    assert client.get("/").status_code == 200
