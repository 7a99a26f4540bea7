"""The storefront pages render for a small catalog."""

import pytest

from tests.factories import CategoryFactory, DetailFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_every_storefront_page_renders(client):
    """Home, list, catalog, category and product pages answer 200 and show the product."""
    parent = CategoryFactory(name="Gifts")
    child = CategoryFactory(catalog=parent.catalog, parent=parent, name="Candles")
    product = ProductFactory(category=child, name="Cranberry Scented Candle")
    DetailFactory(product=product, attribute__name="Scent", value="Tart cranberry")
    for url in [
        "/",
        "/products/",
        parent.catalog.get_absolute_url(),
        parent.get_absolute_url(),
        product.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cranberry Scented Candle" in response.content.decode(), url


def test_unknown_and_inactive_products_are_404(client):
    """Unknown slugs and discontinued products answer 404 in the site's style."""
    product = ProductFactory(is_active=False)
    assert client.get(product.get_absolute_url()).status_code == 404
    response = client.get("/products/no-such-thing/")
    assert response.status_code == 404
    assert "couldn" in response.content.decode()
