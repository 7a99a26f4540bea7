"""The payment framework: processor registry and checks, base interface, safe XML, production guards."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coleman.payments import xml as safe_xml
from coleman.payments.checks import check_processors
from coleman.payments.exceptions import NotSupported, ProcessorNotFound
from coleman.payments.processors import get_processor, get_processors
from coleman.payments.processors.base import PaymentProcessor
from coleman.payments.sandbox.apps import SandboxConfig

ROOT = Path(__file__).resolve().parents[2]


class Dummy(PaymentProcessor):
    """A processor that supports nothing."""

    name = "dummy"
    verbose_name = "Dummy"


class NotAProcessor:
    """Not a PaymentProcessor."""


def test_registry_loads_processors_in_setting_order(settings):
    """COLEMAN_PAYMENTS_PROCESSORS names the processors, in order; unknown names raise ProcessorNotFound."""
    settings.COLEMAN_PAYMENTS_PROCESSORS = [
        "tests.payments.test_framework.Dummy",
        "coleman.payments.processors.google.GoogleCheckout",
    ]
    assert list(get_processors()) == ["dummy", "google"]
    assert isinstance(get_processor("dummy"), Dummy)
    with pytest.raises(ProcessorNotFound):
        get_processor("nope")


@pytest.mark.parametrize(
    ("value", "error_id"),
    [
        (["coleman.payments.processors.nothing.Here"], "coleman.E102"),
        (["tests.payments.test_framework.NotAProcessor"], "coleman.E102"),
        (["tests.payments.test_framework.Dummy", "tests.payments.test_framework.Dummy"], "coleman.E103"),
        ("coleman.payments.processors.google.GoogleCheckout", "coleman.E101"),
    ],
)
def test_bad_processor_settings_are_reported_by_checks(settings, value, error_id):
    """Unimportable, non-processor, duplicate or non-list entries are system-check errors."""
    settings.COLEMAN_PAYMENTS_PROCESSORS = value
    assert error_id in [error.id for error in check_processors()]


def test_default_settings_pass_checks():
    """The shipped defaults raise no payments check errors."""
    assert check_processors() == []


def test_operations_raise_not_supported_by_default():
    """A processor that overrides nothing says so for each pipeline operation."""
    dummy = Dummy()
    for operation in ("authorize", "charge", "refund", "cancel", "ship"):
        assert not dummy.supports(operation)
        with pytest.raises(NotSupported):
            getattr(dummy, operation)(None)
    assert get_processor("google").supports("charge")


def test_require_live_endpoints_flags_sandbox_google(settings):
    """Where live endpoints are required, Google pointing at the sandbox is a check error (E106)."""
    settings.COLEMAN_PAYMENTS_REQUIRE_LIVE_ENDPOINTS = True
    assert "coleman.E106" in [e.id for e in check_processors()]
    settings.COLEMAN_GOOGLE_API_BASE = "https://checkout.google.com/api/checkout/v2/"
    assert "coleman.E106" not in [e.id for e in check_processors()]


def test_sandbox_app_refuses_to_load_where_forbidden(settings):
    """The sandbox app's ready() raises ImproperlyConfigured under production's guard."""
    import coleman.payments.sandbox as package

    settings.COLEMAN_PAYMENTS_SANDBOX_FORBIDDEN = True
    with pytest.raises(ImproperlyConfigured):
        SandboxConfig("coleman.payments.sandbox", package).ready()


def run_check(settings_module, extra_env=None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "shop.example",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


GOOGLE_IN_PRODUCTION = {
    "COLEMAN_PAYMENTS_PROCESSORS": "coleman.payments.processors.google.GoogleCheckout",
    "COLEMAN_GOOGLE_MERCHANT_ID": "987654321",
    "COLEMAN_GOOGLE_MERCHANT_KEY": "a-real-key-from-the-environment",
}


def test_production_settings_refuse_sandbox_endpoints(tmp_path):
    """Production settings with Google switched on but its endpoint left at the sandbox fail
    `manage.py check`; COLEMAN_PAYMENTS_ALLOW_SANDBOX=1 lets them pass on purpose; the sandbox
    app never loads there."""
    failed = run_check("ecommerce_book.settings.production", {"COLEMAN_VAR_DIR": str(tmp_path), **GOOGLE_IN_PRODUCTION})
    assert failed.returncode != 0 and "coleman.E106" in failed.stderr
    allowed = run_check(
        "ecommerce_book.settings.production",
        {
            "COLEMAN_VAR_DIR": str(tmp_path),
            "COLEMAN_PAYMENTS_ALLOW_SANDBOX": "1",
            **GOOGLE_IN_PRODUCTION,
        },
    )
    assert allowed.returncode == 0, allowed.stderr
    module = tmp_path / "prod_with_sandbox.py"
    module.write_text(
        "from ecommerce_book.settings.production import *  # noqa\n"
        'INSTALLED_APPS = [*INSTALLED_APPS, "coleman.payments.sandbox"]\n'
        'COLEMAN_GOOGLE_API_BASE = "https://checkout.google.com/api/checkout/v2/"\n'
    )
    with_sandbox = run_check(
        "prod_with_sandbox",
        {
            **GOOGLE_IN_PRODUCTION,
            "COLEMAN_VAR_DIR": str(tmp_path),
            "PYTHONPATH": f"{ROOT}:{tmp_path}",
            "COLEMAN_PAYMENTS_ALLOW_SANDBOX": "1",
        },
    )
    assert with_sandbox.returncode != 0 and "must not be installed in production" in with_sandbox.stderr


def test_production_takes_payment_credentials_only_from_the_environment(tmp_path):
    """In production no processor runs until the environment names it, and then its credentials
    must come from the environment too (the sandbox's dev values are not used)."""
    missing = run_check(
        "ecommerce_book.settings.production",
        {
            "COLEMAN_VAR_DIR": str(tmp_path),
            "COLEMAN_PAYMENTS_PROCESSORS": "coleman.payments.processors.google.GoogleCheckout",
            "COLEMAN_GOOGLE_API_BASE": "https://checkout.google.com/api/checkout/v2/",
        },
    )
    assert missing.returncode != 0 and "coleman.E104" in missing.stderr
    configured = run_check(
        "ecommerce_book.settings.production",
        {
            "COLEMAN_VAR_DIR": str(tmp_path),
            **GOOGLE_IN_PRODUCTION,
            "COLEMAN_GOOGLE_API_BASE": "https://checkout.google.com/api/checkout/v2/",
        },
    )
    assert configured.returncode == 0, configured.stderr


# --- safe XML -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
        b'<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        b"<a><b></a>",
        b"",
        b"   ",
        None,
        b"<a/>" + b" " * (300 * 1024),
    ],
)
def test_parse_xml_refuses_unsafe_or_broken_documents(body):
    """DTDs, entities, external references, broken, empty and oversized documents raise XMLError."""
    with pytest.raises(safe_xml.XMLError):
        safe_xml.parse_xml(body)


def test_parse_xml_helpers():
    """Local-name paths, required text and the JSON view of a document."""
    root = safe_xml.parse_xml(b'<a xmlns="urn:x" k="v"><b><c>1</c><c>2</c></b><d> t </d></a>')
    assert safe_xml.text(root, "d") == "t"
    assert [c.text for c in safe_xml.find_all(root, "b/c")] == ["1", "2"]
    assert safe_xml.to_dict(root) == {"@k": "v", "b": {"c": ["1", "2"]}, "d": "t"}
    with pytest.raises(safe_xml.XMLError):
        safe_xml.required_text(root, "missing")
