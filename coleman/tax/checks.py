"""System checks for the tax settings."""

from django.core.checks import Error, register
from django.utils.module_loading import import_string

from coleman.conf import coleman_settings

from .strategies import TaxStrategy


@register()
def check_tax_settings(app_configs, **kwargs):
    """``COLEMAN_TAX_STRATEGY`` names a :class:`TaxStrategy`; ``COLEMAN_TAX_DEFAULT_COUNTRY`` is
    empty or a two-letter code."""
    errors = []
    path = coleman_settings.TAX_STRATEGY
    try:
        strategy = import_string(path)
    except ImportError:
        strategy = None
    if not (isinstance(strategy, type) and issubclass(strategy, TaxStrategy)):
        errors.append(
            Error(
                "COLEMAN_TAX_STRATEGY must name a coleman.tax.strategies.TaxStrategy class.",
                hint=f"It is {path!r}.",
                id="coleman.E170",
            )
        )
    country = coleman_settings.TAX_DEFAULT_COUNTRY
    if country and not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        errors.append(
            Error(
                "COLEMAN_TAX_DEFAULT_COUNTRY must be empty or a two-letter country code.",
                hint=f"It is {country!r}.",
                id="coleman.E171",
            )
        )
    return errors
