"""System checks of the customers settings."""

from django.test import override_settings

from coleman.customers.checks import check_customers_settings


def ids(errors):
    return sorted(error.id for error in errors)


def test_project_settings_pass_the_checks():
    """The project's own settings raise no customers error."""
    assert check_customers_settings() == []


@override_settings(ACCOUNT_ACTIVATION_DAYS=0)
def test_missing_activation_days_is_reported():
    """ACCOUNT_ACTIVATION_DAYS must be a positive number (coleman.E020)."""
    assert ids(check_customers_settings()) == ["coleman.E020"]


@override_settings(COLEMAN_CUSTOMERS_LOGIN_ATTEMPTS="5", COLEMAN_CUSTOMERS_MAX_ADDRESSES=-1)
def test_non_positive_limits_are_reported():
    """Throttle and address limits must be positive integers (coleman.E021)."""
    assert ids(check_customers_settings()) == ["coleman.E021", "coleman.E021"]


@override_settings(LOGIN_URL="/login/")
def test_login_url_elsewhere_is_reported():
    """LOGIN_URL must point at the customers login page (coleman.E022)."""
    assert ids(check_customers_settings()) == ["coleman.E022"]
