"""The CranStore demo belongs to the project: development and tests install it, production and
the reusable apps know nothing of it."""

import ast
import importlib
import sys
from pathlib import Path

import coleman
from ecommerce_book.settings import base as base_settings

DEMO_APP = "ecommerce_book.demo"


def imported_modules(path):
    """Names of the modules a Python file imports."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_the_reusable_apps_never_import_the_project():
    """No module of ``coleman`` imports ``ecommerce_book`` (its demo data included)."""
    offenders = [
        f"{path}: {name}"
        for path in Path(coleman.__file__).parent.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] == "ecommerce_book"
    ]
    assert offenders == []


def test_development_installs_the_demo_and_production_does_not(monkeypatch, tmp_path):
    """``manage.py load_cranstore`` and ``demo_staff`` exist with the dev settings, not in production."""
    monkeypatch.setattr(base_settings, "VAR_DIR", tmp_path)  # the dev settings create it
    monkeypatch.setenv("DJANGO_SECRET_KEY", "only-to-import-the-production-settings-" + "x" * 20)
    for name in ("ecommerce_book.settings.dev", "ecommerce_book.settings.production"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    dev = importlib.import_module("ecommerce_book.settings.dev")
    production = importlib.import_module("ecommerce_book.settings.production")
    assert DEMO_APP in dev.INSTALLED_APPS
    assert DEMO_APP not in production.INSTALLED_APPS
