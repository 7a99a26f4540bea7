"""Accessible names for the admin's table-shaped forms.

Django's admin shows the editable fields of a changelist (``list_editable``) and of a tabular
inline in table cells without any ``<label>``: a screen reader announces "edit text" or
"checkbox, not checked" with no hint of what it edits. The mixins here give every such field an
``aria-label`` naming the field and its row ("Price: Cranberry Candle", "Value, row 2").
"""

from django.utils.text import capfirst
from django.utils.translation import gettext


def label_row_fields(form, row_name: str) -> None:
    """Give each visible field of ``form`` an ``aria-label``: its label and ``row_name``."""
    for field in form.fields.values():
        # The admin wraps selects of related objects (with their add/change links): the
        # label goes on the select itself.
        widget = getattr(field.widget, "widget", field.widget)
        if widget.is_hidden or "aria-label" in widget.attrs:
            continue
        widget.attrs["aria-label"] = gettext("%(field)s: %(row)s") % {
            "field": capfirst(field.label or ""),
            "row": row_name,
        }


def _row_number(prefix: str) -> str:
    """The 1-based row of a formset form from its prefix ("details-0" → "1")."""
    index = prefix.rsplit("-", 1)[-1]
    return str(int(index) + 1) if index.isdigit() else index


def labelled_rows(form_class, *, by_object: bool):
    """A subclass of ``form_class`` whose fields name their row: the object, or the row number
    (``by_object=False``, or for a new row)."""

    class LabelledRowForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if by_object and self.instance.pk is not None:
                row_name = str(self.instance)
            else:
                row_name = gettext("row %(number)s") % {"number": _row_number(self.prefix or "")}
            label_row_fields(self, row_name)

    LabelledRowForm.__name__ = form_class.__name__
    return LabelledRowForm


class LabelledListEditableMixin:
    """A ``ModelAdmin`` mixin: the changelist's editable fields are named after their object."""

    def get_changelist_form(self, request, **kwargs):
        """The changelist form, with row-naming accessible labels."""
        return labelled_rows(super().get_changelist_form(request, **kwargs), by_object=True)


class LabelledInlineMixin:
    """A tabular inline mixin: each field is named after its column and row number."""

    def get_formset(self, request, obj=None, **kwargs):
        """The inline formset, with row-naming accessible labels."""
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = labelled_rows(formset.form, by_object=False)
        return formset
