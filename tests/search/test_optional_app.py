"""The store works with search removed from the settings."""

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("check", fail_level="ERROR")
call_command("migrate", verbosity=0)
from tests.factories.products import ProductFactory
product = ProductFactory(name="Cranberry Sauce", slug="cranberry-sauce")
client = Client()
home = client.get("/")
assert home.status_code == 200, home.status_code
assert b'role="search"' not in home.content
detail = client.get("/products/cranberry-sauce/")
assert detail.status_code == 200 and b"More like this" not in detail.content
assert client.get("/search/", {"q": "sauce"}).status_code == 404
print("OK")
"""


def test_store_without_search_app(tmp_path):
    """Without haystack and coleman.search: checks pass, no search box, /search/ is 404."""
    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.search.settings_without_search",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "COLEMAN_TEST_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("OK")
