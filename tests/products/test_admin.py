"""The catalog admin: every page loads for staff, refuses others, and product-only staff can work."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coleman.products.models import Product
from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

MODELS = ["catalog", "catalogcategory", "product", "productattribute"]


def admin_urls(store):
    objects = {
        "catalog": store.fall,
        "catalogcategory": store.candles,
        "product": store.preserves,
        "productattribute": store.tartness,
    }
    for model, obj in objects.items():
        yield reverse(f"admin:products_{model}_changelist")
        yield reverse(f"admin:products_{model}_add")
        yield reverse(f"admin:products_{model}_change", args=[obj.pk])


def test_every_catalog_admin_page_loads_for_staff(staff_client, store):
    """Changelist, add and change pages of each catalog model answer 200 to a superuser."""
    for url in admin_urls(store):
        assert staff_client.get(url).status_code == 200, url


def test_product_admin_pages_do_not_query_per_row(staff_client, store, django_assert_max_num_queries):
    """The product changelist and form stay within a small query budget (no query per category or row)."""
    for _ in range(30):
        ProductFactory(category=CategoryFactory(catalog=store.fall, parent=store.gifts))
    with django_assert_max_num_queries(15):
        assert staff_client.get(reverse("admin:products_product_changelist")).status_code == 200
    with django_assert_max_num_queries(15):
        assert staff_client.get(reverse("admin:products_product_add")).status_code == 200


def test_admin_refuses_anonymous_and_non_staff(client, store, django_user_model):
    """Visitors are sent to the admin login; a logged-in shopper (not staff) too."""
    for url in admin_urls(store):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    client.force_login(django_user_model.objects.create_user("shopper", password="pw-shopper-123"))
    for url in admin_urls(store):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_product_changelist_search_and_filters(staff_client, store):
    """Staff can search products by name and filter by catalog, active and manufacturer."""
    url = reverse("admin:products_product_changelist")
    page = staff_client.get(url, {"q": "preserves"}).content.decode()
    assert "Cranberry Preserves" in page and "Harvest T-shirt" not in page
    page = staff_client.get(url, {"catalog": store.standard.pk}).content.decode()
    assert "Cranberry Juice" in page and "Cranberry Preserves" not in page
    page = staff_client.get(url, {"is_active__exact": "0"}).content.decode()
    assert "Bog Mouse Pad" in page and "Cranberry Juice" not in page
    assert staff_client.get(url, {"catalog": "not-a-number"}).status_code == 200


def test_catalog_page_lists_its_categories(staff_client, store):
    """A catalog's admin page lists its categories inline."""
    page = staff_client.get(reverse("admin:products_catalog_change", args=[store.fall.pk])).content.decode()
    for name in ["Gifts", "Candles", "Apparel", "Food"]:
        assert f'value="{name}"' in page


@pytest.fixture
def product_clerk(client, django_user_model):
    """A staff member allowed to view, add and change products only."""
    clerk = django_user_model.objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="products", codename__in=["view_product", "add_product", "change_product"]
        )
    )
    client.force_login(clerk)
    return client


def product_form(store, **overrides):
    data = {
        "name": "Cranberry Salsa",
        "slug": "cranberry-salsa",
        "category": store.food.pk,
        "description": "Sharp and sweet.",
        "price": "6.25",
        "is_active": "on",
        "manufacturer": "",
        "stock": "",
        "weight": "",
    }
    data.update(overrides)
    return data


def test_staff_with_product_permissions_can_add_and_change_products(product_clerk, store):
    """A clerk with only product permissions can add a product and change its price."""
    add_url = reverse("admin:products_product_add")
    page = product_clerk.get(add_url).content.decode()
    assert ">Fall Collection: Gifts - Candles</option>" in page  # the clerk can pick a category
    response = product_clerk.post(add_url, product_form(store))
    assert response.status_code == 302, response.content.decode()[:2000]
    salsa = Product.objects.get(slug="cranberry-salsa")
    assert salsa.price == Decimal("6.25") and salsa.category == store.food

    change_url = reverse("admin:products_product_change", args=[salsa.pk])
    assert product_clerk.get(change_url).status_code == 200
    response = product_clerk.post(change_url, product_form(store, price="7.00"))
    assert response.status_code == 302
    salsa.refresh_from_db()
    assert salsa.price == Decimal("7.00")


def test_product_clerk_cannot_manage_catalogs(product_clerk, store):
    """The same clerk is refused the catalog and category admin."""
    assert product_clerk.get(reverse("admin:products_catalog_changelist")).status_code == 403
    assert product_clerk.get(reverse("admin:products_catalogcategory_add")).status_code == 403


def test_bad_price_in_admin_is_a_form_error(staff_client, store):
    """A negative price is refused with a message; nothing is saved."""
    data = {**product_form(store, price="-3"), "details-TOTAL_FORMS": "0", "details-INITIAL_FORMS": "0"}
    response = staff_client.post(reverse("admin:products_product_add"), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Product.objects.filter(slug="cranberry-salsa").exists()


def test_staff_adds_a_product_with_details(staff_client, store):
    """The details inline on the product page saves attributes with the product."""
    data = {
        **product_form(store),
        "details-TOTAL_FORMS": "1",
        "details-INITIAL_FORMS": "0",
        "details-0-attribute": store.tartness.pk,
        "details-0-value": "Highly Tart",
        "details-0-description": "",
        "variants-TOTAL_FORMS": "2",
        "variants-INITIAL_FORMS": "0",
        "variants-0-position": "0",
        "variants-0-kind": "size",
        "variants-0-name": "8 oz jar",
        "variants-0-sku": "salsa-8oz",
        "variants-0-stock": "10",
        "variants-0-is_active": "on",
        "variants-1-position": "1",
        "variants-1-kind": "size",
        "variants-1-name": "16 oz jar",
        "variants-1-sku": "salsa-16oz",
        "variants-1-price": "8.50",
        "variants-1-is_active": "on",
    }
    response = staff_client.post(reverse("admin:products_product_add"), data)
    assert response.status_code == 302
    salsa = Product.objects.get(slug="cranberry-salsa")
    assert [(d.attribute.name, d.value) for d in salsa.details.all()] == [("Tartness", "Highly Tart")]
    # The variants inline: own SKU, stock, and price (or the product's).
    variants = [(v.sku, v.stock, v.list_price) for v in salsa.variants.order_by("position")]
    assert variants == [("salsa-8oz", 10, salsa.price), ("salsa-16oz", None, Decimal("8.50"))]


def test_discontinue_action_refreshes_the_store(staff_client, client, store):
    """The bulk "Discontinue" action takes products off the cached storefront at once."""
    assert "Cranberry Preserves" in client.get("/products/").content.decode()
    response = staff_client.post(
        reverse("admin:products_product_changelist"),
        {"action": "mark_inactive", "_selected_action": [store.preserves.pk]},
    )
    assert response.status_code == 302
    assert "Cranberry Preserves" not in client.get("/products/").content.decode()


def test_editable_cells_and_inline_fields_have_accessible_names(staff_client, store):
    """The changelist's editable price, active and featured fields name their product, and the
    attribute rows of a product's form name their column and row (table cells have no labels)."""
    page = staff_client.get(reverse("admin:products_product_changelist")).content.decode()
    for label in ("Price", "Active", "Featured"):
        assert f'aria-label="{label}: Cranberry Preserves"' in page
    form = staff_client.get(reverse("admin:products_product_change", args=[store.preserves.pk])).content.decode()
    assert 'aria-label="Attribute: row 1"' in form
    assert 'aria-label="Value: row 2"' in form  # the empty row for a new attribute


@pytest.mark.parametrize("size", [1, 60])
def test_product_changelist_counts_once_per_catalog_version(staff_client, store, size):
    """The product changelist counts its rows once (no second count of the whole table) and
    reads the count from the cache until the catalog changes; the count shown stays right."""
    for _ in range(size):
        ProductFactory(category=store.food)
    url = reverse("admin:products_product_changelist")
    with CaptureQueriesContext(connection) as first:
        staff_client.get(url)
    counts = [q["sql"] for q in first.captured_queries if "COUNT(" in q["sql"] and "products_product" in q["sql"]]
    assert len(counts) == 1, counts
    with CaptureQueriesContext(connection) as second:
        page = staff_client.get(url).content.decode()
    assert not [q for q in second.captured_queries if "COUNT(" in q["sql"] and "products_product" in q["sql"]]
    assert f"{size + 5} products" in page
    ProductFactory(category=store.food)
    assert f"{size + 6} products" in staff_client.get(url).content.decode()
