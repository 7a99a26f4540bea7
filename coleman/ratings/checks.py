"""System checks: ``COLEMAN_RATINGS_ALLOWED_MODELS`` must name installed models with integer keys."""

from django.apps import apps
from django.core.checks import Error, register
from django.db import models

from coleman.conf import coleman_settings


@register()
def check_allowed_models(app_configs=None, **kwargs):
    """Report entries of ``COLEMAN_RATINGS_ALLOWED_MODELS`` that cannot be rated."""
    errors = []
    labels = coleman_settings.RATINGS_ALLOWED_MODELS
    if isinstance(labels, str) or not all(isinstance(label, str) for label in labels):
        return [
            Error(
                "COLEMAN_RATINGS_ALLOWED_MODELS must be a list of 'app_label.model' strings.",
                id="coleman.E060",
            )
        ]
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            errors.append(
                Error(
                    f"COLEMAN_RATINGS_ALLOWED_MODELS names {label!r}, which is not an installed model.",
                    hint="Use 'app_label.model', e.g. 'products.product'.",
                    id="coleman.E061",
                )
            )
            continue
        if not isinstance(model._meta.pk, models.IntegerField):  # includes the auto fields
            errors.append(
                Error(
                    f"{label!r} cannot be rated: ratings need an integer primary key.",
                    id="coleman.E062",
                )
            )
    return errors


@register()
def check_post_limits(app_configs=None, **kwargs):
    """The rating and review post limits and their window are positive whole numbers."""
    errors = []
    for name in ["RATINGS_RATE_POSTS", "RATINGS_REVIEW_POSTS", "RATINGS_POSTS_WINDOW"]:
        value = getattr(coleman_settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(
                Error(f"COLEMAN_{name} must be a positive whole number.", hint=f"It is {value!r}.", id="coleman.E063")
            )
    return errors
