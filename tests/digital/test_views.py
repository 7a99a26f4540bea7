"""The customer's side: /downloads/, the download button, guests' links, the order page,
the paid-order email, and the 404/403 answers for everything that is not theirs."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coleman.digital import services
from coleman.digital.delivery import order_from_guest_token
from coleman.digital.models import Download, Entitlement
from coleman.digital.storage import sign_file_link
from tests.factories.digital import PDF_BYTES, AssetFactory, DigitalProductFactory, order_with, pay
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def download_url(entitlement, asset):
    return reverse("digital:download", args=[entitlement.token, asset.pk])


def test_downloads_page_needs_login(client):
    """Anonymous visitors are sent to log in and brought back."""
    response = client.get(reverse("digital:list"))
    assert response.status_code == 302 and "next=/downloads/" in response["Location"]


def test_downloads_page_lists_purchases_with_buttons(client, purchase):
    """The page shows each purchase, its downloads left and a Download button (a POST form)."""
    entitlement, asset = purchase
    response = client.get(reverse("digital:list"))
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert entitlement.name in html and "5 of 5 downloads left" in html
    assert f'action="{download_url(entitlement, asset)}"' in html and f"Download {asset.title}" in html
    assert "X-Amz-Signature" not in html and "/downloads/file/" not in html  # links are made on click only


@pytest.mark.parametrize("size", [1, 12])
def test_downloads_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    """/downloads/ reads a fixed number of queries for 1 and 12 purchases (session, user, count,
    page of entitlements, their files, their keys, subscriptions)."""
    user = UserFactory()
    for _ in range(size):
        product = AssetFactory().product
        services.add_license_keys(product, [f"KEY-{product.pk}"])
        pay(order_with(product, user=user))
    client.force_login(user)
    with django_assert_num_queries(7 + 1):  # + the header's category menu (cached once built)
        response = client.get(reverse("digital:list"))
    assert response.content.decode().count('class="purchase"') == size


def test_download_counts_and_records_who(client, purchase, settings):
    """A download is counted and recorded with time, client address (behind the proxy) and browser."""
    settings.COLEMAN_PROXY_COUNT = 1
    entitlement, asset = purchase
    response = client.post(
        download_url(entitlement, asset),
        HTTP_USER_AGENT="CranBrowser/1.0\x00",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    download = Download.objects.get()
    assert download.ip_address == "198.51.100.7" and download.user_agent == "CranBrowser/1.0"
    assert download.asset == asset and download.entitlement == entitlement


def test_get_of_the_download_url_only_asks(client, purchase):
    """Opening the button's URL by GET shows a confirmation form and spends nothing."""
    entitlement, asset = purchase
    response = client.get(download_url(entitlement, asset))
    assert response.status_code == 200 and f"Download {asset.title}" in response.content.decode()
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 0 and not Download.objects.exists()


def test_the_limit_is_held(client, purchase, settings):
    """After the limit, the button answers 403 and says why; staff resetting it opens it again."""
    entitlement, asset = purchase
    Entitlement.objects.filter(pk=entitlement.pk).update(download_limit=2)
    assert [client.post(download_url(entitlement, asset)).status_code for _ in range(3)] == [302, 302, 403]
    refused = client.post(download_url(entitlement, asset))
    assert "used all the downloads" in refused.content.decode()
    services.reset_downloads(Entitlement.objects.filter(pk=entitlement.pk))
    assert client.post(download_url(entitlement, asset)).status_code == 302


def test_an_expired_purchase_is_refused(client, purchase):
    """Past its expiry a purchase can no longer be downloaded."""
    entitlement, asset = purchase
    Entitlement.objects.filter(pk=entitlement.pk).update(expires_at="2000-01-01T00:00:00Z")
    response = client.post(download_url(entitlement, asset))
    assert response.status_code == 403 and "expired" in response.content.decode()


def test_another_customers_purchase_is_404(client, purchase):
    """Someone else's purchase (and a file of another product) is 404, never the file."""
    entitlement, asset = purchase
    other_client = Client()
    other_client.force_login(UserFactory())
    assert other_client.post(download_url(entitlement, asset)).status_code == 404
    assert other_client.get(download_url(entitlement, asset)).status_code == 404
    assert Client().post(download_url(entitlement, asset)).status_code == 404
    stranger_file = AssetFactory()
    assert client.post(download_url(entitlement, stranger_file)).status_code == 404
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 0


@pytest.mark.parametrize(
    "token",
    ["1:abc:def", "garbage", "..%2F..%2Fsettings.py", "1%00:x:y"],
)
def test_forged_file_links_are_404(client, token):
    """Tokens not signed by the store (or signed for something else) never open a file (a NUL
    is refused before the view, with 400)."""
    assert client.get(f"/downloads/file/{token}/").status_code == (400 if "%00" in token else 404)


def test_tampered_file_link_is_404(client, purchase):
    """Changing the download id inside a signed link breaks its signature."""
    entitlement, asset = purchase
    link = client.post(download_url(entitlement, asset))["Location"]
    token = link.split("/")[3]
    tampered = "9" + token[1:] if token[0] != "9" else "8" + token[1:]
    assert client.get(f"/downloads/file/{tampered}/").status_code == 404
    assert client.get(link).status_code == 200


def test_path_tricks_in_stored_names_never_leave_the_private_folder(client, purchase, private_storage, tmp_path):
    """A stored name that climbs out of the private folder (edited by hand) answers 404."""
    entitlement, asset = purchase
    secret = tmp_path / "secret.txt"
    secret.write_text("not for sale")
    for name in ["../secret.txt", "products/../../secret.txt", str(secret)]:
        type(asset).objects.filter(pk=asset.pk).update(file=name)
        link = client.post(download_url(entitlement, asset))["Location"]
        response = client.get(link)
        assert response.status_code == 404, name


@pytest.mark.parametrize(
    ("mode", "header", "expected"),
    [
        ("x-accel-redirect", "X-Accel-Redirect", "/protected-downloads/products/{slug}/cookbook.pdf"),
        ("x-sendfile", "X-Sendfile", "{root}/products/{slug}/cookbook.pdf"),
    ],
)
def test_the_web_server_can_send_the_file(client, purchase, settings, private_storage, mode, header, expected):
    """With COLEMAN_DIGITAL_SENDFILE the store answers with the header the server acts on, no body."""
    settings.COLEMAN_DIGITAL_SENDFILE = mode
    entitlement, asset = purchase
    response = client.get(client.post(download_url(entitlement, asset))["Location"])
    assert response.status_code == 200 and response.content == b""
    assert response[header] == expected.format(slug=asset.product.slug, root=private_storage)
    assert response["Content-Disposition"] == 'attachment; filename="cookbook.pdf"'


def test_guest_downloads_from_the_order_page_they_return_to(client):
    """A guest whose session placed the order sees its downloads on the order page and downloads."""
    asset = AssetFactory()
    order = pay(order_with(asset.product, guest_email="guest@example.com"))
    session = client.session
    session["coleman_orders_viewable"] = [order.number]
    session.save()
    html = client.get(order.get_absolute_url()).content.decode()
    entitlement = order.entitlements.get()
    assert "Your downloads" in html and f'action="{download_url(entitlement, asset)}"' in html
    link = client.post(download_url(entitlement, asset))["Location"]
    response = client.get(link)
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_guest_email_link_opens_the_order(client):
    """The paid-order email gives a guest a signed link; it opens the order with its downloads;
    a tampered or foreign link does not."""
    asset = AssetFactory()
    order = order_with(asset.product, guest_email="guest@example.com")
    mail.outbox.clear()
    pay(order)
    body = mail.outbox[-1].body
    # The token carries its signing time, so it is read from the email rather than rebuilt here.
    match = re.search(r"https://testserver(/downloads/order/([^/\s]+)/)", body)
    assert match and asset.product.name in body
    link, token = match.groups()
    assert order_from_guest_token(token) == order
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert "Your downloads" in client.get(order.get_absolute_url()).content.decode()
    assert Client().get(link[:-3] + "xx/").status_code == 404


def test_paid_email_of_a_customer_links_the_downloads_page_and_shows_keys():
    """A customer's paid-order email names the purchase, its key and the /downloads/ page."""
    product = DigitalProductFactory(name="Bog Planner")
    services.add_license_keys(product, ["1456-1514-3657-2198"])
    order = order_with(product, user=UserFactory())
    mail.outbox.clear()
    pay(order)
    body = mail.outbox[-1].body
    assert "Bog Planner" in body and "License key: 1456-1514-3657-2198" in body
    assert "https://testserver/downloads/" in body


def test_orders_without_digital_lines_show_and_send_no_downloads(client):
    """Physical orders get no downloads section and no downloads paragraph."""
    user = UserFactory()
    order = order_with(ProductFactory(), user=user)
    mail.outbox.clear()
    pay(order)
    assert "digital purchases" not in mail.outbox[-1].body
    client.force_login(user)
    assert "Your downloads" not in client.get(order.get_absolute_url()).content.decode()


def test_unpaid_order_page_shows_no_keys(client):
    """Keys reserved before payment stay hidden until the order is paid."""
    product = DigitalProductFactory()
    services.add_license_keys(product, ["SECRET-KEY"])
    user = UserFactory()
    order = order_with(product, user=user)
    services.grant_for_order(order)
    client.force_login(user)
    assert "SECRET-KEY" not in client.get(order.get_absolute_url()).content.decode()
    pay(order)
    assert "SECRET-KEY" in client.get(order.get_absolute_url()).content.decode()


def test_a_file_link_dies_with_its_purchase(client, purchase):
    """A signed local link checks the purchase again: refunded or cancelled means 403."""
    entitlement, asset = purchase
    download = services.start_download(entitlement, asset)
    services.revoke_for_order(entitlement.order, "Order refunded.")
    response = client.get(reverse("digital:file", args=[sign_file_link(download)]))
    assert response.status_code == 403


@pytest.mark.parametrize("size", [1, 6])
def test_order_page_with_downloads_query_count_does_not_grow(client, django_assert_num_queries, size):
    """A paid order's page with 1 or 6 digital lines costs the same queries: the order page's
    own five (the user's row comes from the cache) plus the digital lines, their purchases,
    files and keys."""
    user = UserFactory()
    order = pay(order_with(*[AssetFactory().product for _ in range(size)], user=user))
    client.force_login(user)
    client.get(order.get_absolute_url())
    with django_assert_num_queries(9):
        response = client.get(order.get_absolute_url())
    assert response.content.decode().count('class="purchase"') == size
