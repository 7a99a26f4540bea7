"""Staff in the admin: key pools filled in batches, purchases reset, revoked and restored."""

import pytest
from django.urls import reverse

from coleman.digital.models import Entitlement, LicenseKey
from tests.factories.digital import AssetFactory, DigitalProductFactory, PlanFactory, order_with, pay
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def test_every_digital_admin_page_opens(staff_client):
    """Each changelist and change page of the digital app answers 200."""
    entitlement = pay(order_with(AssetFactory().product, user=UserFactory())).entitlements.get()
    PlanFactory()
    for model in ["digitalasset", "licensekey", "subscriptionplan", "subscription", "entitlement"]:
        assert staff_client.get(reverse(f"admin:digital_{model}_changelist")).status_code == 200, model
    assert staff_client.get(reverse("admin:digital_entitlement_change", args=[entitlement.pk])).status_code == 200
    asset = entitlement.product.digital_assets.get()
    page = staff_client.get(reverse("admin:digital_digitalasset_change", args=[asset.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'type="file"' in html
    assert f'href="{asset.file.name}' not in html and "/media/" not in html  # the file is never linked


def test_staff_add_and_generate_keys(staff_client):
    """Pasted keys (duplicates skipped) and generated keys join the pool and its stock; a form
    without keys is refused with a reason."""
    product = DigitalProductFactory()
    url = reverse("admin:digital_licensekey_add")
    refused = staff_client.post(url, {"product": product.pk, "keys": "", "generate": ""})
    assert refused.status_code == 400 and "Type some keys" in refused.content.decode()
    response = staff_client.post(url, {"product": product.pk, "keys": "AAA-1\nAAA-1\nBBB-2\n", "generate": "3"})
    assert response.status_code == 302
    assert LicenseKey.objects.filter(product=product).count() == 5
    product.refresh_from_db()
    assert product.stock == 5


def test_staff_reset_revoke_and_restore(staff_client):
    """The admin actions reset a used-up purchase, revoke it and give it back."""
    entitlement = pay(order_with(AssetFactory().product, user=UserFactory())).entitlements.get()
    Entitlement.objects.filter(pk=entitlement.pk).update(downloads_used=5)
    changelist = reverse("admin:digital_entitlement_changelist")
    for action in ["reset_downloads", "revoke_access"]:
        staff_client.post(changelist, {"action": action, "_selected_action": [entitlement.pk]})
    entitlement.refresh_from_db()
    assert entitlement.downloads_used == 0 and entitlement.revoked_at is not None
    assert entitlement.revoke_reason == "Revoked by boss."
    staff_client.post(changelist, {"action": "restore_access", "_selected_action": [entitlement.pk]})
    entitlement.refresh_from_db()
    assert entitlement.revoked_at is None and entitlement.is_usable
