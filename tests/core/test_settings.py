"""Production settings: read from the environment, strict, and refusing to run without a secret."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "ecommerce_book.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_environment_set(tmp_path):
    """With a secret key, allowed hosts and a database URL, ``check --deploy`` reports nothing."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "shop.example.com,www.shop.example.com",
            "DATABASE_URL": "postgres://coleman@db.example.com:5432/coleman",
            "COLEMAN_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_load_without_a_secret_key(tmp_path):
    """Without DJANGO_SECRET_KEY the production settings raise instead of running insecurely."""
    result = manage(
        "check",
        env={"DJANGO_ALLOWED_HOSTS": "shop.example.com", "COLEMAN_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
