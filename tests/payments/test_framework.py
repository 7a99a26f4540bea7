"""The payment framework: processor registry and checks, settings on the class, base interface,
safe XML, and the production guard against sandboxes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coleman.payments import xml as safe_xml
from coleman.payments.checks import check_processors, check_sandbox
from coleman.payments.exceptions import NotSupported, ProcessorNotFound
from coleman.payments.processors import get_processor, get_processors
from coleman.payments.processors.base import PaymentProcessor

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


class Declared(PaymentProcessor):
    """A processor that declares its own settings (and inherits the base ones)."""

    name = "declared"
    settings_prefix = "DECLARED_"
    default_settings = {"API_URL": "https://pay.example/api/", "RETRIES": 3}
    endpoint_settings = ("API_URL",)


class Renamed(Declared):
    """A subclass that changes one default and adds a setting; no prefix: named after the processor."""

    name = "renamed"
    settings_prefix = ""
    default_settings = {"RETRIES": 5, "MODE": "live"}


def test_settings_are_declared_on_the_class_and_read_when_used(settings):
    """setting() reads COLEMAN_<prefix><KEY> at call time, else the class's declared default; base
    settings (TIMEOUT, CLIENT_CERT) are inherited, subclasses extend and override."""
    declared, renamed = Declared(), Renamed()
    assert declared.setting("API_URL") == "https://pay.example/api/" and declared.setting("TIMEOUT") is None
    settings.COLEMAN_DECLARED_API_URL = "https://other.example/"
    assert declared.setting("API_URL") == "https://other.example/"
    assert (renamed.setting("RETRIES"), renamed.setting("MODE")) == (5, "live")
    assert renamed.setting("API_URL") == "https://pay.example/api/"  # COLEMAN_RENAMED_API_URL is not set
    settings.COLEMAN_RENAMED_MODE = "test"
    assert renamed.setting("MODE") == "test" and renamed.setting_name("MODE") == "COLEMAN_RENAMED_MODE"
    settings.COLEMAN_DECLARED_API_URL = None  # e.g. an unset environment variable: the default
    assert declared.setting("API_URL") == "https://pay.example/api/"


def test_an_undeclared_setting_is_a_clear_error():
    """Reading a setting the class does not declare raises ImproperlyConfigured naming it."""
    with pytest.raises(ImproperlyConfigured, match="declares no setting 'SECRET'"):
        Declared().setting("SECRET")


def test_sandbox_endpoints_are_refused_unless_allowed(settings):
    """Where COLEMAN_PAYMENTS_ALLOW_SANDBOX is off, a processor endpoint on this site (relative) or
    with "sandbox" in it is E108; the live default passes."""
    settings.COLEMAN_PAYMENTS_PROCESSORS = ["tests.payments.test_framework.Declared"]
    settings.COLEMAN_DECLARED_API_URL = "/sandbox/pay/"
    assert check_sandbox() == []  # the test settings allow sandboxes
    settings.COLEMAN_PAYMENTS_ALLOW_SANDBOX = False
    for url in ("/sandbox/pay/", "https://api.sandbox.pay.example/", "http://testserver/sandbox/x/"):
        settings.COLEMAN_DECLARED_API_URL = url
        [error] = [e for e in check_sandbox() if e.obj == "tests.payments.test_framework.Declared"]
        assert error.id == "coleman.E108" and "COLEMAN_DECLARED_API_URL" in error.msg
    del settings.COLEMAN_DECLARED_API_URL
    assert [e for e in check_sandbox() if e.obj] == []


def test_the_sandbox_app_is_refused_unless_allowed(settings):
    """The gateway sandbox app installed where sandboxes are not allowed is E108."""
    settings.COLEMAN_PAYMENTS_PROCESSORS = []
    settings.COLEMAN_PAYMENTS_ALLOW_SANDBOX = False
    [error] = check_sandbox()
    assert error.id == "coleman.E108" and "must not be installed in production" in error.msg


def test_endpoints_must_be_set_and_server_endpoints_absolute(settings):
    """E109: an empty endpoint, or a relative one the store itself would have to call."""
    settings.COLEMAN_PAYMENTS_PROCESSORS = ["tests.payments.test_framework.Declared"]
    settings.COLEMAN_DECLARED_API_URL = ""
    assert [e.id for e in check_processors()] == ["coleman.E109"]
    settings.COLEMAN_DECLARED_API_URL = "/sandbox/api/"
    assert [e.id for e in check_processors()] == ["coleman.E109"]
    settings.COLEMAN_AMAZON_CBUI_ENDPOINT = "/sandbox/amazon/cbui/"  # a page: relative is fine
    settings.COLEMAN_PAYMENTS_PROCESSORS = ["coleman.payments.processors.amazon.AmazonFPS"]
    assert check_processors() == []


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
    """Production settings with Google pointed at a sandbox fail `manage.py check` (E108), and so
    does the gateway sandbox app; COLEMAN_PAYMENTS_ALLOW_SANDBOX=1 (a staging site) lets both pass."""
    sandbox_base = {"COLEMAN_GOOGLE_API_BASE": "https://sandbox.google.com/checkout/api/checkout/v2/"}
    env = {"COLEMAN_VAR_DIR": str(tmp_path), **GOOGLE_IN_PRODUCTION, **sandbox_base}
    failed = run_check("ecommerce_book.settings.production", env)
    assert failed.returncode != 0 and "coleman.E108" in failed.stderr and "COLEMAN_GOOGLE_API_BASE" in failed.stderr
    allowed = run_check("ecommerce_book.settings.production", {**env, "COLEMAN_PAYMENTS_ALLOW_SANDBOX": "1"})
    assert allowed.returncode == 0, allowed.stderr
    module = tmp_path / "prod_with_sandbox.py"
    module.write_text(
        "from ecommerce_book.settings.production import *  # noqa\n"
        'INSTALLED_APPS = [*INSTALLED_APPS, "coleman.payments.sandbox"]\n'
    )
    sandbox_env = {**GOOGLE_IN_PRODUCTION, "COLEMAN_VAR_DIR": str(tmp_path), "PYTHONPATH": f"{ROOT}:{tmp_path}"}
    with_sandbox = run_check("prod_with_sandbox", sandbox_env)
    assert with_sandbox.returncode != 0 and "must not be installed in production" in with_sandbox.stderr
    staging = run_check("prod_with_sandbox", {**sandbox_env, "COLEMAN_PAYMENTS_ALLOW_SANDBOX": "1"})
    assert staging.returncode == 0, staging.stderr


def test_production_takes_payment_credentials_only_from_the_environment(tmp_path):
    """In production no processor runs until the environment names it, and then its credentials
    must come from the environment too (credentials default to empty; endpoints to live URLs)."""
    missing = run_check(
        "ecommerce_book.settings.production",
        {
            "COLEMAN_VAR_DIR": str(tmp_path),
            "COLEMAN_PAYMENTS_PROCESSORS": "coleman.payments.processors.google.GoogleCheckout",
        },
    )
    assert missing.returncode != 0 and "coleman.E104" in missing.stderr
    configured = run_check(
        "ecommerce_book.settings.production", {"COLEMAN_VAR_DIR": str(tmp_path), **GOOGLE_IN_PRODUCTION}
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
