"""Who may write products and read orders: every boundary of the API."""

from decimal import Decimal

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

from coleman.orders.models import Order
from coleman.products.models import Product
from tests.factories.users import PASSWORD

from .conftest import basic

pytestmark = pytest.mark.django_db

NEW_PRODUCT = {
    "name": "Cranberry Chutney",
    "slug": "cranberry-chutney",
    "price": "6.25",
    "category": "fall-collection/food",
    "description": "Spiced.",
}


def test_anonymous_cannot_write(api, store):
    """POST, PUT, PATCH and DELETE without credentials answer 401 with the book's Basic realm."""
    for method, url in [
        ("post", "/api/products/"),
        ("put", "/api/products/cranberry-juice/"),
        ("patch", "/api/products/cranberry-juice/"),
        ("delete", "/api/products/cranberry-juice/"),
    ]:
        response = getattr(api, method)(url, NEW_PRODUCT, format="json")
        assert response.status_code == 401, (method, response.content)
        assert response["WWW-Authenticate"] == 'Basic realm="Products API"'
    assert not Product.objects.filter(slug="cranberry-chutney").exists()
    assert Product.objects.filter(slug="cranberry-juice").exists()


def test_customer_and_staff_without_permission_cannot_write(api, store, customers, clerk):
    """A customer (not staff) and a staff member without the model permissions get 403."""
    ada = customers[0]
    for user in (ada, clerk):
        api.force_authenticate(user)
        assert api.post("/api/products/", NEW_PRODUCT, format="json").status_code == 403
        assert api.delete("/api/products/cranberry-juice/").status_code == 403
    assert Product.objects.count() == 5


def test_staff_with_permissions_create_update_delete_by_basic_auth(api, store, editor):
    """Staff with the permissions write over HTTP Basic: create (201), patch, put, delete (204)."""
    api.credentials(HTTP_AUTHORIZATION=basic("editor", PASSWORD))
    created = api.post("/api/products/", NEW_PRODUCT, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["category"]["path"] == "fall-collection/food"
    product = Product.objects.get(slug="cranberry-chutney")
    assert product.price == Decimal("6.25") and product.category == store.food

    patched = api.patch("/api/products/cranberry-chutney/", {"price": "7.00"}, format="json")
    assert patched.status_code == 200 and patched.json()["price"] == "7.00"
    replaced = api.put(
        "/api/products/cranberry-chutney/", {**NEW_PRODUCT, "name": "Chutney", "is_active": False}, format="json"
    )
    assert replaced.status_code == 200
    product.refresh_from_db()
    assert product.name == "Chutney" and not product.is_active
    # An editor still reaches an inactive product to change or delete it.
    assert api.delete("/api/products/cranberry-chutney/").status_code == 204
    assert not Product.objects.filter(slug="cranberry-chutney").exists()


def test_session_writes_need_the_csrf_token(api, store, editor):
    """Logged in with the site's session, a write without the CSRF token is 403; with it, 201."""
    api.force_login(editor)
    refused = api.post("/api/products/", NEW_PRODUCT, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    secret = _get_new_csrf_string()
    api.cookies["csrftoken"] = secret
    accepted = api.post("/api/products/", NEW_PRODUCT, format="json", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert accepted.status_code == 201, accepted.content


def test_orders_are_for_staff_with_the_view_permission(api, customers, editor, clerk):
    """/api/orders/: 401 anonymous, 403 customers and staff without view_order, 200 for the editor
    with lines, totals and history."""
    ada, _bob, ada_order, _bob_order = customers
    assert api.get("/api/orders/").status_code == 401
    for user in (ada, clerk):
        api.force_authenticate(user)
        assert api.get("/api/orders/").status_code == 403
        assert api.get(f"/api/orders/{ada_order.number}/").status_code == 403
    api.force_authenticate(editor)
    body = api.get("/api/orders/").json()
    assert body["count"] == 2
    detail = api.get(f"/api/orders/{ada_order.number}/").json()
    assert detail["total"] == "14.00" and detail["status"] == "PAID"
    assert detail["lines"] == [
        {
            "name": "Cranberry Preserves",
            "product": "cranberry-preserves",
            "unit_price": "4.50",
            "quantity": 2,
            "line_total": "9.00",
        }
    ]
    assert [step["to_status"] for step in detail["history"]] == ["PAID"]


def test_customers_read_only_their_own_orders(api, customers):
    """/api/me/orders/ lists the customer's own orders; another customer's number is a 404."""
    ada, bob, ada_order, bob_order = customers
    assert api.get("/api/me/orders/").status_code == 401
    api.force_authenticate(ada)
    numbers = [row["number"] for row in api.get("/api/me/orders/").json()["results"]]
    assert numbers == [ada_order.number]
    assert api.get(f"/api/me/orders/{ada_order.number}/").status_code == 200
    assert api.get(f"/api/me/orders/{bob_order.number}/").status_code == 404


def test_nothing_secret_is_exposed(api, customers, editor):
    """Order answers carry no user ids, passwords, checkout tokens or database ids."""
    ada, _bob, ada_order, _bob_order = customers
    api.force_authenticate(editor)
    text = api.get(f"/api/orders/{ada_order.number}/").content.decode()
    for secret in ["password", "checkout_token", '"user"', '"id"', "pbkdf2", "md5$"]:
        assert secret not in text


def test_writes_are_not_allowed_on_orders(api, customers, editor):
    """Orders are read-only through the API, even for staff: writes are refused (the
    permission check answers before the method check) and the order stays."""
    _ada, _bob, ada_order, _bob_order = customers
    api.force_authenticate(editor)
    assert api.delete(f"/api/orders/{ada_order.number}/").status_code in (403, 405)
    assert api.post("/api/orders/", {}, format="json").status_code in (403, 405)
    assert Order.objects.filter(pk=ada_order.pk).exists()
