"""Variants: a product page offers sizes; the cart and the order record the variant; stock is
the variant's, taken with the conditional update; feeds and sitemaps list the product once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from coleman.cart.cart import Cart
from coleman.orders.exceptions import InsufficientStock
from coleman.orders.placing import make_order_from_cart
from coleman.orders.services import transition
from coleman.products.models import Product, ProductVariant
from tests.factories.orders import ADDRESS
from tests.factories.products import ProductFactory
from tests.helpers import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def sizes(store):
    """The T-shirt (18.00, stock untracked) in S (2 left), L (its own 20.00) and a retired XL."""
    shirt = store.shirt
    return {
        "S": ProductVariant.objects.create(product=shirt, name="S", sku="tee-s", stock=2, position=1),
        "L": ProductVariant.objects.create(product=shirt, name="L", sku="tee-l", price=Decimal("20.00"), position=2),
        "XL": ProductVariant.objects.create(product=shirt, name="XL", sku="tee-xl", is_active=False, position=3),
    }


def add(client, product, **data):
    return client.post(reverse("cart:add-item", args=[product.pk]), {"quantity": "1", **data})


def test_product_page_offers_the_active_variants_as_a_labelled_choice(client, store, sizes):
    """The add form has a labelled select of S and L with their prices and "only 2 left"; no XL."""
    page = client.get(store.shirt.get_absolute_url()).content.decode()
    assert f'<label for="cart-variant-{store.shirt.pk}">' in page
    assert f'<option value="{sizes["S"].pk}">S – $18.00 (only 2 left)</option>' in page
    assert f'<option value="{sizes["L"].pk}">L – $20.00</option>' in page
    assert "tee-xl" not in page and ">XL" not in page


def test_two_variants_are_two_lines_with_their_own_prices(client, store, sizes):
    """S and L of one T-shirt: two lines named by size, priced 18.00 and 20.00."""
    add(client, store.shirt, variant=sizes["S"].pk)
    add(client, store.shirt, variant=sizes["L"].pk, quantity="2")
    add(client, store.shirt, variant=sizes["S"].pk)
    page = client.get(reverse("cart:detail")).content.decode()
    assert "Harvest T-shirt – S" in page and "Harvest T-shirt – L" in page
    items = client.session["coleman_cart"]["items"]
    assert [(i["variant"], i["quantity"]) for i in items] == [(sizes["S"].pk, 2), (sizes["L"].pk, 2)]
    assert "$76.00" in page  # 2 × 18.00 + 2 × 20.00


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        (None, "Please choose an option of Harvest T-shirt."),
        ("abc", "That choice is not available for Harvest T-shirt."),
        ("-1", "That choice is not available for Harvest T-shirt."),
        ("XL", "That choice is not available for Harvest T-shirt."),
        ("other", "That choice is not available for Harvest T-shirt."),
    ],
)
def test_bad_variant_choices_are_a_400_and_change_nothing(client, store, sizes, variant, message):
    """No choice, junk, a retired variant, a variant of another product: a clear 400, cart unchanged."""
    add(client, store.candle)
    other = ProductVariant.objects.create(product=store.candle, name="Big", sku="candle-big")
    chosen = {"XL": sizes["XL"].pk, "other": other.pk}.get(variant, variant)
    response = add(client, store.shirt, **({"variant": chosen} if chosen is not None else {}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert [i["product"] for i in client.session["coleman_cart"]["items"]] == [store.candle.pk]


def test_variant_stock_caps_the_cart(client, store, sizes):
    """S has 2 left: a third S is refused with the variant's name, the cart keeps 2."""
    add(client, store.shirt, variant=sizes["S"].pk, quantity="2")
    response = add(client, store.shirt, variant=sizes["S"].pk)
    assert response.status_code == 400 and "Only 2 of Harvest T-shirt – S left in stock." in response.content.decode()


def test_the_order_records_the_variant_and_takes_its_stock(store, sizes):
    """The order line keeps the variant, its SKU, name and price; S's stock drops by 2 (the
    product's is untouched); cancelling gives it back."""
    cart = Cart(make_request())
    cart.add(store.shirt, 2, variant=sizes["S"])
    cart.add(store.shirt, 1, variant=sizes["L"])
    order = make_order_from_cart(cart, email="ada@example.com", shipping_address=dict(ADDRESS))
    lines = [(line.variant_id, line.sku, line.name, line.unit_price) for line in order.lines.all()]
    assert lines == [
        (sizes["S"].pk, "tee-s", "Harvest T-shirt – S", Decimal("18.00")),
        (sizes["L"].pk, "tee-l", "Harvest T-shirt – L", Decimal("20.00")),
    ]
    assert order.subtotal == Decimal("56.00")
    assert ProductVariant.objects.get(pk=sizes["S"].pk).stock == 0
    assert Product.objects.get(pk=store.shirt.pk).stock is None
    transition(order, "CANCELLED")
    assert ProductVariant.objects.get(pk=sizes["S"].pk).stock == 2


def test_a_variant_sold_out_meanwhile_refuses_the_order(store, sizes):
    """Someone bought the last S between cart and order: InsufficientStock, stock unchanged."""
    cart = Cart(make_request())
    cart.add(store.shirt, 2, variant=sizes["S"])
    ProductVariant.objects.filter(pk=sizes["S"].pk).update(stock=1)
    with pytest.raises(InsufficientStock):
        make_order_from_cart(cart, email="a@example.com", shipping_address=dict(ADDRESS))
    assert len(cart) == 1 and cart.items[0].quantity == 2  # nothing lost from the cart
    assert ProductVariant.objects.get(pk=sizes["S"].pk).stock == 1


def test_feeds_sitemap_and_api_list_the_product_once(client, store, sizes):
    """Variants are not products of their own: the feed, the sitemap and the API name the T-shirt once."""
    assert client.get("/api/products/?format=json").content.decode().count('"harvest-t-shirt"') == 1
    assert client.get("/feeds/products/").content.decode().count("harvest-t-shirt/</guid>") == 1
    sitemap = b"".join(client.get("/sitemap-products.xml").streaming_content).decode()
    assert sitemap.count("/products/harvest-t-shirt/") == 1


@pytest.mark.parametrize("lines", [1, 50])
def test_cart_page_with_variant_lines_costs_constant_queries(client, store, lines, django_assert_num_queries):
    """1 or 50 variant lines: session, products, variants (the running offers were cached when
    the lines were added; the display currencies' rates and the header's category menu are read
    once, then cached)."""
    for product in ProductFactory.create_batch(lines, category=store.apparel):
        variant = ProductVariant.objects.create(product=product, name="M", sku=f"{product.slug}-m")
        add(client, product, variant=variant.pk)
    with django_assert_num_queries(5):
        response = client.get(reverse("cart:detail"))
    assert response.content.decode().count('class="cart-line"') == lines
    with django_assert_num_queries(3):
        client.get(reverse("cart:detail"))


def test_buy_it_now_is_not_offered_for_a_product_with_variants(client, store, sizes, settings):
    """Google's one-click Buy It Now cannot carry a size: it shows for the candle, not the T-shirt."""
    settings.COLEMAN_GOOGLE_BUY_IT_NOW = True
    assert "Buy it now with Google Checkout" in client.get(store.candle.get_absolute_url()).content.decode()
    assert "Buy it now with Google Checkout" not in client.get(store.shirt.get_absolute_url()).content.decode()
