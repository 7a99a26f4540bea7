"""Cards and product pages say "Out of stock" and "Only N left" (under a threshold setting), and
a sale that changes what they say refreshes the cached pages."""

import pytest
from django.core.cache import cache
from django.db.models import F

from coleman.products.cache import catalog_changed_by_update, catalog_version
from coleman.products.models import Product
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(db):
    """Four products: untracked stock, plenty, three left, none left."""
    return {
        "untracked": ProductFactory(name="Untracked Jam", stock=None),
        "plenty": ProductFactory(name="Plenty Jam", stock=50),
        "few": ProductFactory(name="Few Jam", stock=3),
        "none": ProductFactory(name="Gone Jam", stock=0),
    }


def card_of(page: str, name: str) -> str:
    """The product card of ``name`` in a list page."""
    start = page.index(f'<h3 class="product-card-name">{name}</h3>')
    return page[start : page.index("</article>", start)]


def test_cards_say_out_of_stock_and_only_n_left(client, stocked):
    """On the product list the sold-out card says "Out of stock", the card with three left says
    "Only 3 left", and well-stocked or untracked cards say nothing about stock."""
    page = client.get("/products/").content.decode()
    assert '<p class="stock stock-out">Out of stock</p>' in card_of(page, "Gone Jam")
    assert '<p class="stock stock-low">Only 3 left</p>' in card_of(page, "Few Jam")
    assert "stock" not in card_of(page, "Plenty Jam")
    assert "stock" not in card_of(page, "Untracked Jam")


def test_the_threshold_is_a_setting(client, settings, stocked):
    """COLEMAN_PRODUCTS_LOW_STOCK moves the threshold: at 50 the well-stocked card says "Only 50
    left" on the list and on its page; at 0 no card says it."""
    settings.COLEMAN_PRODUCTS_LOW_STOCK = 50
    assert "Only 50 left" in card_of(client.get("/products/").content.decode(), "Plenty Jam")
    assert "Only 50 left" in client.get(stocked["plenty"].get_absolute_url()).content.decode()
    settings.COLEMAN_PRODUCTS_LOW_STOCK = 0
    cache.clear()  # pages cached under the old setting (a restart does this in production)
    assert "left</p>" not in client.get("/products/").content.decode()


def test_a_sale_refreshes_cached_cards(client, stocked, django_capture_on_commit_callbacks):
    """Stock taken with a conditional UPDATE (as checkout does, no signal) refreshes the cached
    pages once the transaction commits: the next list says "Only 4 left"."""
    assert "Only" not in card_of(client.get("/products/").content.decode(), "Plenty Jam")
    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=stocked["plenty"].pk).update(stock=F("stock") - 46)
        catalog_changed_by_update()
    assert catalog_version() != before
    assert "Only 4 left" in card_of(client.get("/products/").content.decode(), "Plenty Jam")
