"""The store's one way to draw a form: every shopper form renders through these templates.

``FORM_RENDERER = "coleman.core.forms.StoreFormRenderer"`` makes ``{{ form }}`` and
``{{ field.as_field_group }}`` use ``core/forms/form.html`` (the error summary, then each field)
and ``core/forms/field.html`` (label with the required mark, hint, error message, the input with
``aria-invalid`` and ``aria-describedby``), following the GOV.UK error-summary pattern.
"""

from django.forms.renderers import DjangoTemplates


class StoreFormRenderer(DjangoTemplates):
    """Django's template form renderer with the store's form and field templates."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


__all__ = ["StoreFormRenderer"]
