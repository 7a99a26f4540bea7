"""The seams between digital and the rest: panels filled only while the app is installed,
the delivery data a payment processor can ask for, and the system checks."""

import pytest
from django.core import mail
from django.urls import reverse

from coleman.digital import services
from coleman.digital.checks import check_digital_settings, check_private_storage
from coleman.digital.delivery import DeliveryMethod, digital_content_for_line
from tests.factories.digital import AssetFactory, DigitalProductFactory, PlanFactory, order_with, pay
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory
from tests.products.test_optional_apps import site_without

pytestmark = pytest.mark.django_db


def test_without_the_app_pages_and_emails_have_no_digital_part(client):
    """With coleman.digital removed, the order page, profile and paid email render without it,
    and /downloads/ is not mounted."""
    user = UserFactory()
    order = order_with(DigitalProductFactory(), user=user)
    client.force_login(user)
    with site_without(["coleman.digital"]):
        mail.outbox.clear()
        pay(order)
        assert "digital purchases" not in mail.outbox[-1].body
        assert "Your downloads" not in client.get(order.get_absolute_url()).content.decode()
        profile = client.get(reverse("customers:profile"))
        assert profile.status_code == 200 and "Downloads and subscriptions" not in profile.content.decode()
        assert client.get("/downloads/").status_code == 404


def test_content_for_a_line_with_a_file_and_a_key():
    """Key/URL delivery: the signed link to the order's downloads, and the line's key (reserved
    before payment, so a service can show it on its confirmation page)."""
    asset = AssetFactory()
    services.add_license_keys(asset.product, ["1456-1514-3657-2198"])
    order = order_with(asset.product, guest_email="guest@example.com")
    content = digital_content_for_line(order.lines.get())
    assert content.method == DeliveryMethod.KEY_URL
    assert content.key == "1456-1514-3657-2198" and content.url.startswith("/downloads/order/")
    assert content.description == f"Download {asset.product.name} from your order page."
    assert order.entitlements.get().activated_at is None  # nothing opens before payment
    # Asking again changes nothing: the same key, entitlement and delivery (the link is signed
    # with a timestamp, so it is compared only by where it leads).
    again = digital_content_for_line(order.lines.get())
    assert (again.method, again.key, again.keys, again.description) == (
        content.method,
        content.key,
        content.keys,
        content.description,
    )
    assert again.url.startswith("/downloads/order/") and order.entitlements.count() == 1


def test_content_for_subscriptions_and_physical_lines():
    """Subscriptions are described; a physical line has no digital content."""
    plan = PlanFactory()
    order = order_with(plan.product, ProductFactory(), user=UserFactory())
    subscription_line, physical_line = order.lines.order_by("pk")
    assert digital_content_for_line(subscription_line).method == DeliveryMethod.DESCRIPTION
    assert digital_content_for_line(physical_line) is None


def test_private_folder_inside_media_is_an_error(settings, tmp_path):
    """coleman.E080: the private folder may not lie inside a folder the site serves."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COLEMAN_DIGITAL_ROOT = str(tmp_path / "media" / "private")
    assert [error.id for error in check_private_storage()] == ["coleman.E080"]
    settings.COLEMAN_DIGITAL_ROOT = str(tmp_path / "private")
    assert check_private_storage() == []


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("COLEMAN_DIGITAL_DOWNLOAD_LIMIT", 0, "coleman.E081"),
        ("COLEMAN_DIGITAL_LINK_SECONDS", None, "coleman.E081"),
        ("COLEMAN_DIGITAL_ACCESS_DAYS", "7", "coleman.E081"),
        ("COLEMAN_DIGITAL_SENDFILE", "nginx", "coleman.E082"),
        ("COLEMAN_DIGITAL_CLOUDFRONT_DOMAIN", "d111.cloudfront.net", "coleman.E083"),
    ],
)
def test_bad_settings_are_reported(settings, setting, value, error):
    """Each misconfiguration has its check id; the defaults pass."""
    assert check_digital_settings() == []
    setattr(settings, setting, value)
    assert [found.id for found in check_digital_settings()] == [error]


def test_bad_signature_version_is_reported(settings):
    """coleman.E085: S3 signature versions are 's3v4' or 's3'."""
    settings.COLEMAN_DIGITAL_S3_BUCKET = "shop"
    settings.COLEMAN_DIGITAL_S3_SIGNATURE_VERSION = "v2"
    assert [found.id for found in check_digital_settings()] == ["coleman.E085"]
