"""The staff's view of wishlists and back-in-stock alerts in the admin."""

import pytest

from coleman.wishlists import services
from tests.factories.products import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(sold_out, customer, other_customer):
    """Bog Honey awaited by two customers and a guest; a second product by one guest; one
    alert already sent."""
    services.request_alert(sold_out, user=customer)
    services.request_alert(sold_out, user=other_customer)
    services.request_alert(sold_out, email="ann@example.com")
    jam = ProductFactory(name="Bog Jam", stock=0)
    services.request_alert(jam, email="bob@example.com")
    sent, _ = services.request_alert(ProductFactory(name="Old News", stock=0), email="old@example.com")
    sent.sent_at = sent.created
    sent.save()
    return {"honey": sold_out, "jam": jam}


def test_awaited_products_list_the_waiting_counts_most_awaited_first(
    staff_client, alerts, django_assert_max_num_queries
):
    """ "Awaited products" shows each awaited product with its number of waiting shoppers, the
    most awaited first, linking to those alerts; products nobody waits for are left out."""
    with django_assert_max_num_queries(12):
        response = staff_client.get("/admin/wishlists/awaitedproduct/")
    assert response.status_code == 200
    rows = [(product.name, product.waiting) for product in response.context["cl"].result_list]
    assert rows == [("Bog Honey", 3), ("Bog Jam", 1)]
    page = response.content.decode()
    honey = alerts["honey"]
    assert f'href="/admin/wishlists/stockalert/?product__id__exact={honey.pk}&amp;waiting=yes">3</a>' in page
    everything = staff_client.get("/admin/wishlists/awaitedproduct/?awaited=all")
    assert {product.name for product in everything.context["cl"].result_list} >= {"Bog Honey", "Bog Jam", "Old News"}


def test_the_alert_list_filters_by_product_and_state(staff_client, alerts):
    """Alerts are filtered by product and by waiting/sent."""
    honey = alerts["honey"]
    response = staff_client.get(f"/admin/wishlists/stockalert/?product__id__exact={honey.pk}&waiting=yes")
    assert response.status_code == 200
    assert sorted(alert.recipient for alert in response.context["cl"].result_list) == [
        "ann@example.com",
        "cora@example.com",
        "jesse@example.com",
    ]
    sent = staff_client.get("/admin/wishlists/stockalert/?waiting=no")
    assert [alert.email for alert in sent.context["cl"].result_list] == ["old@example.com"]


def test_wishlists_are_listed_read_only(staff_client, customer, product):
    """Staff can look at customers' lists but not add or change them."""
    wishlist = services.default_list(customer)
    services.add_product(wishlist, product)
    response = staff_client.get("/admin/wishlists/wishlist/")
    assert response.status_code == 200
    assert "My wishlist" in response.content.decode()
    assert staff_client.get("/admin/wishlists/wishlist/add/").status_code == 403
    assert staff_client.get("/admin/wishlists/stockalert/add/").status_code == 403


def test_customers_see_their_wishlists_from_their_account(customer_client):
    """The account page links to the wishlists (the customers.profile panel)."""
    page = customer_client.get("/accounts/profile/").content.decode()
    assert 'href="/accounts/wishlists/"' in page
