"""``setup.py`` builds django-coleman; the wheel installs into a fresh venv (offline, from the
wheelhouse) and a tiny project of its own, listing a few Coleman apps, migrates and renders a
product page with the templates that came inside the wheel."""

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import fabfile

TINY_SETTINGS = """
SECRET_KEY = "tiny-project-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "tinyshop.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "coleman.core",
    "coleman.products",
    "coleman.tax",
    "coleman.offers",
    "coleman.cart",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": ["templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "coleman.core.context_processors.store",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "tiny.sqlite3"}}
STATIC_URL = "/static/"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
COLEMAN_STORE_NAME = "Tiny Shop"
"""
TINY_URLS = """
from django.urls import include, path

urlpatterns = [
    path("cart/", include("coleman.cart.urls")),
    path("", include("coleman.products.urls")),
]
"""
TINY_BASE = """<!doctype html>
<html lang="en"><head><title>{% block title %}{% endblock %} · {{ store_name }}</title></head>
<body><main>{% block content %}{% endblock %}</main></body></html>
"""
RENDER = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "tinyshop.settings"
import django
django.setup()
from decimal import Decimal
from django.core.management import call_command
from django.test import Client
import coleman
from coleman.products.models import Catalog, CatalogCategory, Product

call_command("migrate", verbosity=0)
catalog = Catalog.objects.create(name="Tiny", slug="tiny", publisher="Tiny Shop")
category = CatalogCategory.objects.create(catalog=catalog, name="Jams", slug="jams")
Product.objects.create(category=category, name="Packaged Preserves", slug="packaged-preserves",
                       price=Decimal("6.25"), is_active=True)
response = Client().get("/products/packaged-preserves/")
print(coleman.__file__)
print(response.status_code)
print(response.content.decode())
"""


@pytest.fixture(scope="session")
def dist(tmp_path_factory):
    """The sdist and wheel of this checkout, built as ``fab deploy`` builds them (``python -m build``)."""
    out = tmp_path_factory.mktemp("dist")
    fabfile.build_distributions(out, sdist=True)
    (sdist,) = out.glob("django_coleman-*.tar.gz")
    (wheel,) = out.glob("django_coleman-*-py3-none-any.whl")
    return sdist, wheel


def test_sdist_and_wheel_carry_templates_static_files_and_migrations(dist):
    """Both distributions hold each app's templates, static files and migrations, the
    protocol documents, and no tests; the wheel's metadata is complete and unpinned."""
    sdist, wheel = dist
    with tarfile.open(sdist) as archive:
        in_sdist = archive.getnames()
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = archive.namelist()
        metadata = archive.read(next(n for n in in_wheel if n.endswith(".dist-info/METADATA"))).decode()
    for expected in (
        "coleman/products/templates/products/product_detail.html",
        "coleman/cart/static/cart/",
        "coleman/products/migrations/0001_initial.py",
        "coleman/orders/templates/orders/email/",
        "coleman/payments/templates/payments/google/",
    ):
        assert any(expected in name for name in in_wheel), expected
        assert any(expected in name for name in in_sdist), expected
    assert not any("/tests/" in name or name.startswith("tests/") for name in in_wheel)
    assert "Requires-Python: >=3.11" in metadata
    assert "Classifier: Framework :: Django :: 5.2" in metadata
    requirements = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert any(line.startswith("Requires-Dist: Django") for line in requirements)
    pinned = [line for line in requirements if re.search(r"[=~]=\s*\d", line)]
    assert not pinned, "install requirements are ranges, never pins"


def test_wheel_installs_into_a_fresh_venv_and_a_tiny_project_renders_a_product(dist, wheelhouse, tmp_path):
    """A new venv gets the wheel and its dependencies from the wheelhouse (no index); a project
    of four files lists coleman.core, .products and .cart, migrates, and the product page
    renders from the installed package's templates."""
    _, wheel = dist
    venv = tmp_path / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = sorted(Path(wheelhouse).glob("pip-*.whl"))[-1]
    install = subprocess.run(
        [str(venv / "bin" / "python"), f"{pip}/pip", "install", "--quiet", "--disable-pip-version-check"]
        + ["--no-compile", "--no-index", "--find-links", str(wheelhouse), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    site = tmp_path / "site"
    (site / "tinyshop").mkdir(parents=True)
    (site / "tinyshop" / "__init__.py").write_text("")
    (site / "tinyshop" / "settings.py").write_text(TINY_SETTINGS)
    (site / "tinyshop" / "urls.py").write_text(TINY_URLS)
    (site / "templates").mkdir()
    (site / "templates" / "base.html").write_text(TINY_BASE)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", RENDER],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    package_file, status, page = result.stdout.split("\n", 2)
    assert package_file.startswith(str(venv)), "coleman comes from the installed wheel, not the checkout"
    assert status == "200", page[:2000]
    assert "Packaged Preserves" in page and "Tiny Shop" in page
    assert "Add to cart" in page
