"""A small store with every kind of shopper page, for browser checks that visit them all.

:func:`build_shop` makes two catalogs that share a category name, products with long names, one
low on stock and one sold out, one with a photo, a rated and reviewed product, a customer with an address and an
order whose tracking number and payment note are long unbroken strings (the worst case for a
narrow screen), and indexes it all for search. :func:`shopper_pages` names the pages to visit,
:func:`open_as_customer` fills the customer's cart in the browser.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from playwright.sync_api import expect

from coleman.orders.models import OrderStatusChange
from coleman.ratings import services as ratings
from tests.factories.customers import AddressFactory
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import CatalogFactory, CategoryFactory, ProductFactory
from tests.factories.users import UserFactory
from tests.helpers import log_in_browser

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
LONG_TRACKING = "1Z999AA1012345678416458763029847561093847561029384756"
LONG_TRANSACTION = "txn_" + "8f3a9c2e1b7d4f60" * 6


@dataclass
class Shop:
    """What :func:`build_shop` made."""

    customer: object
    product: object
    sold_out: object
    order: object
    catalog: object
    category: object


def build_shop() -> Shop:
    """Create the store described in the module docstring and index it for search."""
    fall = CatalogFactory(name="Fall Collection", slug="fall-collection", description="Autumn favourites.")
    standard = CatalogFactory(name="Standard Collection", slug="standard-collection")
    gifts = CategoryFactory(catalog=fall, name="Gifts", slug="gifts")
    candles = CategoryFactory(catalog=fall, parent=gifts, name="Candles", slug="candles")
    fall_desserts = CategoryFactory(catalog=fall, name="Desserts", slug="desserts")
    standard_desserts = CategoryFactory(catalog=standard, name="Desserts", slug="desserts")
    product = ProductFactory(
        category=candles,
        name="Cranberry Scented Candle",
        slug="cranberry-scented-candle",
        price=Decimal("14.00"),
        is_featured=True,
        stock=50,
        photo=SimpleUploadedFile("candle.gif", GIF),
    )
    ProductFactory(
        category=fall_desserts,
        name="Extraordinarily-Tart-Cranberry-Orange-Marmalade-Preserves",
        slug="marmalade",
        price=Decimal("1234.50"),
        stock=3,
    )
    sold_out = ProductFactory(category=standard_desserts, name="Cranberry Cobbler", slug="cobbler", stock=0)
    ProductFactory(category=standard_desserts, name="Cranberry Tart", slug="cranberry-tart")
    customer = UserFactory(username="ada", email="ada@example.com", first_name="Ada", last_name="Lovelace")
    AddressFactory(user=customer)
    ratings.rate(UserFactory(), product, 4)
    order = OrderFactory(user=customer, tracking_number=LONG_TRACKING, comments=LONG_TRANSACTION)
    LineFactory(order=order, product=product, name="Cranberry Scented Candle with a very long name " * 2)
    OrderStatusChange.objects.create(
        order=order, to_status_id=order.status_id, actor="test", note=f"Payment {LONG_TRANSACTION} recorded."
    )
    call_command("rebuild_index", interactive=False, verbosity=0)
    return Shop(customer, product, sold_out, order, fall, candles)


def shopper_pages(shop: Shop) -> dict[str, str]:
    """The shopper pages a logged-in customer with a cart sees, by name: path."""
    return {
        "home": "/",
        "product list": "/products/",
        "catalog": shop.catalog.get_absolute_url(),
        "category": shop.category.get_absolute_url(),
        "product": shop.product.get_absolute_url(),
        "sold-out product": shop.sold_out.get_absolute_url(),
        "search": "/search/?q=cranberry",
        "search without results": "/search/?q=zzzzqqq",
        "cart": "/cart/",
        "checkout": "/checkout/",
        "order list": "/orders/",
        "order": shop.order.get_absolute_url(),
        "profile": "/accounts/profile/",
        "profile form": "/accounts/profile/edit/",
        "address book": "/accounts/addresses/",
        "address form": "/accounts/addresses/add/",
        "password change": "/accounts/password/change/",
        "downloads": "/downloads/",
    }


# Pages only a visitor who is not logged in sees.
VISITOR_PAGES = {
    "login": "/accounts/login/",
    "register": "/accounts/register/",
    "password reset": "/accounts/password/reset/",
    "order lookup": "/orders/lookup/",
    "empty cart": "/cart/",
}


def open_as_customer(page, live_server, shop: Shop):
    """Log the customer in and put two products in their cart through the product pages."""
    log_in_browser(page.context, live_server, shop.customer)
    for slug in ("cranberry-scented-candle", "marmalade"):
        page.goto(f"{live_server.url}/products/{slug}/")
        page.get_by_role("button", name="Add to cart").click()
        expect(page.locator(".cart-add-status")).to_contain_text("Added")
