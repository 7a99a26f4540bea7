"""The store's one way to draw a form: every shopper form renders through these templates.

``FORM_RENDERER = "coleman.core.forms.StoreFormRenderer"`` makes ``{{ form }}`` and
``{{ field.as_field_group }}`` use ``core/forms/form.html`` (the error summary, then each field)
and ``core/forms/field.html`` (label with the required mark, hint, error message, the input with
``aria-invalid`` and ``aria-describedby``), following the GOV.UK error-summary pattern.

The field template and Django's own templates for the plain inputs, the textarea and the
label (and the attribute lists they include: a template render per field, widget, label and
attribute list) are drawn in Python instead, with the same markup: each only while the
template the renderer would load reads as the one drawn, word for word (checked once per
template name), so a project or app overriding one gets its template.
``tests/core/test_forms.py`` compares the two for every case.
"""

import hashlib

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

#: The sources of Django's templates drawn in Python (django/forms/templates/django/forms/…).
ATTRS_SOURCE = (
    "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
    "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
)
LABEL_ATTRS_SOURCE = ATTRS_SOURCE.replace("widget.attrs.items", "attrs.items")
INPUT_SOURCE = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
    "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
INCLUDE_INPUT_SOURCE = '{% include "django/forms/widgets/input.html" %}\n'
TEXTAREA_SOURCE = (
    '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
    "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
)
LABEL_SOURCE = (
    "{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>"
    "{% else %}{{ label }}{% endif %}\n"
)

#: ``core/forms/field.html``, the store's field, as :func:`draw_field` draws it (its SHA-256:
#: an edit of the template turns the drawing off until :func:`draw_field` follows it).
FIELD_SOURCE = "sha256:380cace577e55f61206ad2ec98839fd6c0838649be875b3615e0fc45b3517de8"

#: Template name → the sources (by template name) it renders with, for each drawing in Python.
INPUT_TEMPLATES = {
    "django/forms/widgets/input.html": INPUT_SOURCE,
    "django/forms/widgets/attrs.html": ATTRS_SOURCE,
}
PYTHON_DRAWN = {
    **{
        f"django/forms/widgets/{kind}.html": {
            f"django/forms/widgets/{kind}.html": INCLUDE_INPUT_SOURCE,
            **INPUT_TEMPLATES,
        }
        for kind in ("text", "email", "hidden", "number", "url", "password", "tel", "search")
    },
    "django/forms/widgets/input.html": INPUT_TEMPLATES,
    "django/forms/widgets/textarea.html": {
        "django/forms/widgets/textarea.html": TEXTAREA_SOURCE,
        "django/forms/widgets/attrs.html": ATTRS_SOURCE,
    },
    "django/forms/label.html": {"django/forms/label.html": LABEL_SOURCE, "django/forms/attrs.html": LABEL_ATTRS_SOURCE},
    "core/forms/field.html": {"core/forms/field.html": FIELD_SOURCE},
}

# What ``{{ value }}`` does in an autoescaped template (localised, escaped unless safe).
_TEMPLATE_CONTEXT = Context(autoescape=True)


def _out(value) -> str:
    """``{{ value }}`` in an autoescaped template."""
    if isinstance(value, str):  # what render_value_in_context comes to for a string
        return conditional_escape(value)
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _out_s(value) -> str:
    """``{{ value|stringformat:'s' }}`` in an autoescaped template."""
    formatted = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031 - the filter's own formatting
    return _out(mark_safe(formatted) if isinstance(value, SafeData) else formatted)  # noqa: S308 - safe in, safe out


def attrs_html(attrs) -> str:
    """What Django's ``attrs.html`` draws for ``attrs``: `` name="value"`` for each, `` name``
    for ``True``, nothing for ``False``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_out_s(value)}"')
    return "".join(parts)


def _plain(values) -> bool:
    """True when none of ``values`` is callable (a template would call it: left to the template)."""
    return not any(callable(value) for value in values)


def draw_input(context) -> str | None:
    """``django/forms/widgets/input.html`` for ``context``, or None to leave it to the template."""
    widget = context["widget"]
    if not _plain((widget["type"], widget["name"], widget["value"], *widget["attrs"].values())):
        return None
    value = "" if widget["value"] is None else f' value="{_out_s(widget["value"])}"'
    return f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{value}{attrs_html(widget["attrs"])}>'


def draw_textarea(context) -> str | None:
    """``django/forms/widgets/textarea.html`` for ``context``, or None to leave it to the template."""
    widget = context["widget"]
    if not _plain((widget["name"], widget["value"], *widget["attrs"].values())):
        return None
    value = _out(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_out(widget["name"])}"{attrs_html(widget["attrs"])}>\n{value}</textarea>'


def draw_label(context) -> str | None:
    """``django/forms/label.html`` for ``context``, or None to leave it to the template."""
    attrs = context.get("attrs") or {}
    if not _plain((context.get("use_tag"), context.get("tag"), context.get("label"), *attrs.values())):
        return None
    label = _out(context.get("label", ""))
    if not context.get("use_tag"):
        return label
    tag = _out(context.get("tag", ""))
    return f"<{tag}{attrs_html(attrs)}>{label}</{tag}>"


REQUIRED_MARK = '<span class="required-mark" aria-hidden="true"> *</span>'


def draw_field(context) -> str:
    """``core/forms/field.html`` for ``context`` (``{"field": bound_field}``): the field's wrapper,
    its label (a legend in a fieldset for radio groups) with the required mark, its hint, its
    errors, then the widget (a checkbox's label after it)."""
    field = context["field"]
    errors, widget_type, use_fieldset = field.errors, field.widget_type, field.use_fieldset
    mark = REQUIRED_MARK if field.field.required else ""
    out = [
        '<div class="field',
        " field-error" if errors else "",
        " field-checkbox" if widget_type == "checkbox" else "",
        '">\n',
    ]
    if use_fieldset:
        described = field.aria_describedby
        out.append(f'<fieldset aria-describedby="{_out(described)}">\n  ' if described else "<fieldset>\n  ")
        if field.label:
            out.append(_out(field.legend_tag()) + mark)
        out.append("\n")
    elif field.label and widget_type != "checkbox":
        out.append(_out(field.label_tag()) + mark + "\n")
    out.append("\n")
    if field.help_text:
        out.append(f'<div class="helptext" id="{_out(field.auto_id)}_helptext">{field.help_text!s}</div>')
    out.append("\n")
    if errors:
        hidden = f'<span class="visually-hidden">{gettext(mark_safe("Error:"))} </span>'  # noqa: S308 - a literal
        out.append(f'<p class="error-message" id="{_out(field.auto_id)}_error">')
        out.append("<br>".join(hidden + _out(error) for error in errors))
        out.append("</p>")
    out.append("\n")
    out.append(_out(field))
    if widget_type == "checkbox" and field.label:
        out.append(" " + _out(field.label_tag()))
    out.append("\n</fieldset>\n</div>\n" if use_fieldset else "\n\n</div>\n")
    return "".join(out)


DRAWERS = {name: draw_input for name in PYTHON_DRAWN} | {
    "core/forms/field.html": draw_field,
    "django/forms/widgets/textarea.html": draw_textarea,
    "django/forms/label.html": draw_label,
}


def _same_source(source, expected) -> bool:
    """True when a template's ``source`` is ``expected`` (the text, or ``"sha256:<hex digest>"``)."""
    if expected.startswith("sha256:"):
        return hashlib.sha256(source.encode()).hexdigest() == expected.removeprefix("sha256:")
    return source == expected


class StoreFormRenderer(DjangoTemplates):
    """Django's template form renderer with the store's form and field templates, drawing
    Django's own input, textarea and label templates in Python (same markup)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def __init__(self):
        super().__init__()
        self._drawn_in_python = {}

    def draws_in_python(self, template_name) -> bool:
        """True when ``template_name`` and the templates it includes are Django's own, unchanged."""
        known = self._drawn_in_python.get(template_name)
        if known is None:
            sources = PYTHON_DRAWN.get(template_name, {})
            known = bool(sources) and all(
                _same_source(self.get_template(name).template.source, source) for name, source in sources.items()
            )
            self._drawn_in_python[template_name] = known
        return known

    def render(self, template_name, context, request=None):
        if request is None and template_name in DRAWERS and self.draws_in_python(template_name):
            drawn = DRAWERS[template_name](context)
            if drawn is not None:
                return drawn.strip()  # as the template renderer strips
        return super().render(template_name, context, request)


__all__ = ["StoreFormRenderer", "attrs_html"]
