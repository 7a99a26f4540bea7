"""System checks of the payments app (ids ``coleman.E101``–``coleman.E109``)."""

from django.core import checks

from coleman.conf import coleman_settings

from .exceptions import ImproperlyConfiguredProcessor
from .processors import load_processor


@checks.register()
def check_processors(app_configs=None, **kwargs):
    """Every ``COLEMAN_PAYMENTS_PROCESSORS`` entry loads, names are unique, settings are sane."""
    errors = []
    paths = coleman_settings.PAYMENTS_PROCESSORS
    if isinstance(paths, str) or not isinstance(paths, list | tuple):
        return [
            checks.Error(
                "COLEMAN_PAYMENTS_PROCESSORS must be a list of dotted paths.",
                hint='e.g. ["coleman.payments.processors.google.GoogleCheckout"]',
                id="coleman.E101",
            )
        ]
    names = {}
    for dotted_path in paths:
        try:
            processor = load_processor(dotted_path)
        except ImproperlyConfiguredProcessor as exc:
            errors.append(checks.Error(str(exc), obj=dotted_path, id="coleman.E102"))
            continue
        if processor.name in names:
            errors.append(
                checks.Error(
                    f"Payment processors {names[processor.name]!r} and {dotted_path!r} share the name "
                    f"{processor.name!r}.",
                    id="coleman.E103",
                )
            )
            continue
        names[processor.name] = dotted_path
        errors.extend(processor.check())
    return errors
