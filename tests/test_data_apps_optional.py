"""The store works without the data apps of chapter 7 (coleman.api, coleman.reports,
coleman.salesforce), each removed alone and all together: the storefront, its feeds and
sitemaps answer, the removed app's URLs are gone, and nothing else imports them."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import get_resolver

import coleman
from tests.products.test_optional_apps import site_without

pytestmark = pytest.mark.django_db

DATA_APPS = {
    "coleman.api": ("api", "/api/products/"),
    "coleman.reports": ("reports", "/reports/"),
    "coleman.salesforce": ("salesforce", None),
}
STOREFRONT = ["/", "/products/", "/products/cranberry-preserves/", "/feeds/products/", "/sitemap.xml", "/robots.txt"]


@pytest.mark.parametrize("removed", [[app] for app in DATA_APPS] + [list(DATA_APPS)])
def test_store_works_without_the_data_apps(client, store, staff_user, removed):  # noqa: F811
    """With the apps removed the storefront, feeds and sitemaps answer 200 and the apps'
    URLs are not mounted (404)."""
    with site_without(removed):
        namespaces = get_resolver().namespace_dict
        for app in removed:
            assert not apps.is_installed(app)
            namespace, url = DATA_APPS[app]
            assert namespace not in namespaces
            if url:
                client.force_login(staff_user)
                assert client.get(url).status_code == 404, url
                client.logout()
        for url in STOREFRONT:
            assert client.get(url).status_code == 200, url


def test_admin_index_has_no_reports_link_without_reports(client, staff_user):
    """The admin index links the reports only when the app is installed."""
    client.force_login(staff_user)
    assert 'href="/reports/"' in client.get("/admin/").content.decode()
    with site_without(["coleman.reports"]):
        assert 'href="/reports/"' not in client.get("/admin/").content.decode()


def test_no_other_app_imports_the_data_apps():
    """No module outside coleman.api, coleman.reports and coleman.salesforce imports them
    (nothing depends on them: they only read from the others)."""
    root = Path(coleman.__file__).parent
    pattern = re.compile(r"^\s*(from|import)\s+coleman\.(api|reports|salesforce)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in ("api", "reports", "salesforce")
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
