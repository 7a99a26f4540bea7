"""Reading the catalog through the API: resources, fields, filters, ordering, pages, formats."""

from decimal import Decimal

import pytest
import yaml
from defusedxml import ElementTree

from coleman.products.models import Product
from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_root_lists_the_resources(api, store):
    """/api/ links every resource (absolute URLs), as the browsable root of the book's Piston API."""
    body = api.get("/api/").json()
    assert body == {
        "catalogs": "http://testserver/api/catalogs/",
        "categories": "http://testserver/api/categories/",
        "products": "http://testserver/api/products/",
        "orders": "http://testserver/api/orders/",
        "me/orders": "http://testserver/api/me/orders/",
    }


def test_product_detail_by_slug_shows_what_the_shop_shows(api, store):
    """/api/products/<slug>/ (the book's URL) has name, price as money, category, attributes,
    photo, rating and page URL, and no database ids."""
    body = api.get("/api/products/cranberry-preserves/").json()
    assert body["name"] == "Cranberry Preserves"
    assert body["price"] == "4.50" and body["currency"] == "USD"
    assert body["category"] == {
        "name": "Food",
        "slug": "food",
        "catalog": "fall-collection",
        "path": "fall-collection/food",
    }
    assert body["attributes"] == [{"name": "Tartness", "value": "Extremely Tart"}]
    assert body["rating"] == {"average": None, "count": 0}
    assert body["photo"] is None
    assert body["url"] == "http://testserver/products/cranberry-preserves/"
    assert "id" not in body and "pk" not in body


def test_rating_average_and_count_come_from_the_ratings_app(api, store):
    """The rating is the product's average and number of ratings."""
    from coleman.ratings import services
    from tests.factories.users import UserFactory

    services.rate(UserFactory(), store.juice, 4)
    services.rate(UserFactory(), store.juice, 5)
    assert api.get("/api/products/cranberry-juice/").json()["rating"] == {"average": "4.50", "count": 2}


def test_list_shows_only_active_products_alphabetically(api, store):
    """The list is paginated, alphabetical and leaves out discontinued products, even by slug."""
    body = api.get("/api/products/").json()
    assert body["count"] == 4
    assert [row["slug"] for row in body["results"]] == list(
        Product.objects.active().order_by("name").values_list("slug", flat=True)
    )
    assert api.get("/api/products/bog-mouse-pad/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("catalog=standard-collection", {"cranberry-juice"}),
        ("category=gifts", {"cranberry-scented-candle", "harvest-t-shirt"}),
        ("category=gifts&catalog=standard-collection", set()),
        (
            "manufacturer=cranstore%20kitchens",
            {"cranberry-preserves", "cranberry-juice", "harvest-t-shirt", "cranberry-scented-candle"},
        ),
        ("min_price=4.50&max_price=14", {"cranberry-preserves", "cranberry-scented-candle"}),
        ("q=cranberry%20jam", {"cranberry-preserves"}),
    ],
)
def test_filters(api, store, query, expected):
    """Each filter narrows the list as documented."""
    body = api.get(f"/api/products/?{query}").json()
    assert {row["slug"] for row in body["results"]} == expected


def test_ordering_by_price(api, store):
    """?ordering=-price lists the dearest first."""
    prices = [Decimal(row["price"]) for row in api.get("/api/products/?ordering=-price").json()["results"]]
    assert prices == sorted(prices, reverse=True)


def test_pages_and_page_size(api, db):
    """?page_size= chooses the page length up to the maximum; pages link to each other."""
    ProductFactory.create_batch(7, category=CategoryFactory())
    first = api.get("/api/products/?page_size=3").json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert first["next"] == "http://testserver/api/products/?page=2&page_size=3"
    third = api.get(first["next"].replace("page=2", "page=3")).json()
    assert len(third["results"]) == 1 and third["next"] is None


def test_catalogs_and_categories(api, store):
    """Catalogs by slug, and categories with their catalog and parent slugs."""
    catalogs = api.get("/api/catalogs/").json()["results"]
    assert [row["slug"] for row in catalogs] == ["fall-collection", "standard-collection"]
    assert api.get("/api/catalogs/fall-collection/").json()["name"] == "Fall Collection"
    categories = {row["path"]: row for row in api.get("/api/categories/?page_size=100").json()["results"]}
    assert categories["fall-collection/candles"]["parent"] == "gifts"
    assert categories["fall-collection/gifts"]["parent"] is None


def test_xml_and_yaml_by_format_and_accept(api, store):
    """?format=xml / yaml and the Accept header give XML and YAML of the same data."""
    xml = api.get("/api/products/cranberry-preserves/?format=xml")
    assert xml["Content-Type"].startswith("application/xml")
    assert ElementTree.fromstring(xml.content).findtext("price") == "4.50"
    yml = api.get("/api/products/cranberry-preserves/", HTTP_ACCEPT="application/yaml")
    assert yml["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(yml.content)["name"] == "Cranberry Preserves"
    by_accept = api.get("/api/products/", HTTP_ACCEPT="application/xml")
    assert by_accept["Content-Type"].startswith("application/xml")


def test_browsable_api_only_for_staff(api, client, store, staff_user):
    """A browser gets JSON unless a staff member is logged in to the site."""
    assert api.get("/api/products/", HTTP_ACCEPT="text/html").status_code == 406
    client.force_login(staff_user)
    page = client.get("/api/products/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


def test_list_queries_do_not_grow_with_the_page(api, db, django_assert_num_queries):
    """A page of products costs the same four queries with 2 or 20 products: count, page,
    attributes, rating summaries."""
    category = CategoryFactory()
    ProductFactory.create_batch(2, category=category)
    api.get("/api/products/")  # warms Django's content type cache
    with django_assert_num_queries(4):
        api.get("/api/products/")
    ProductFactory.create_batch(18, category=category)
    with django_assert_num_queries(4):
        assert len(api.get("/api/products/").json()["results"]) == 20


def test_docs_page_and_schema(api, db):
    """/api/schema/ is OpenAPI 3 (YAML and JSON) and /api/docs/ serves Swagger UI from this site."""
    schema = api.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/products/{slug}/" in schema["paths"]
    docs = api.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn.jsdelivr" not in docs
