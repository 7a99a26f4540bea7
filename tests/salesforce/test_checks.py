"""System checks of the Salesforce and API settings."""

import pytest

from coleman.api.checks import check_api_settings
from coleman.conf import DEFAULTS
from coleman.salesforce.checks import check_salesforce_settings


def ids(errors):
    """The ids of the reported errors."""
    return [error.id for error in errors]


def test_defaults_pass():
    """The shipped settings raise nothing."""
    assert check_salesforce_settings() == [] and check_api_settings() == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://login.salesforce.com", True),
        ("http://127.0.0.1:8000/sandbox/salesforce", True),
        ("http://login.salesforce.com", False),
        ("ftp://login.salesforce.com", False),
    ],
)
def test_login_url_must_be_https_outside_loopback(settings, url, ok):
    """coleman.E130: plain HTTP only for the sandbox on this machine."""
    settings.COLEMAN_SALESFORCE_LOGIN_URL = url
    assert ("coleman.E130" not in ids(check_salesforce_settings())) is ok


def test_batch_size_and_mapping_are_checked(settings):
    """coleman.E131 (batch over 200), E132 (unknown kind), E134 (unknown local value)."""
    settings.COLEMAN_SALESFORCE_BATCH_SIZE = 500
    mapping = {kind: dict(spec) for kind, spec in DEFAULTS["SALESFORCE_MAPPING"].items()}
    mapping["products"]["fields"] = {"Name": "colour"}
    mapping["planets"] = {"object": "Planet__c", "external_id": "X__c", "fields": {}}
    settings.COLEMAN_SALESFORCE_MAPPING = mapping
    assert set(ids(check_salesforce_settings())) == {"coleman.E131", "coleman.E132", "coleman.E134"}


def test_api_rates_and_page_sizes_are_checked(settings):
    """coleman.E111 (rate format) and E112 (page size above the maximum)."""
    settings.COLEMAN_API_ANON_RATE = "lots"
    settings.COLEMAN_API_PAGE_SIZE = 500
    assert set(ids(check_api_settings())) == {"coleman.E111", "coleman.E112"}
