"""The store's form renderer draws Django's input, textarea and label templates in Python with
the same markup as the templates, and leaves any template it does not know to the template."""

from decimal import Decimal

import pytest
from django import forms
from django.template import engines
from django.utils.safestring import mark_safe

from coleman.core.forms import PYTHON_DRAWN, StoreFormRenderer
from coleman.orders.forms import CheckoutForm
from tests.factories.orders import ADDRESS


class TemplatesOnly(StoreFormRenderer):
    """The store's renderer drawing everything with templates: the reference."""

    def draws_in_python(self, template_name):
        return False


ATTRS = {
    "maxlength": 100,
    "autocomplete": "address-line1",
    "required": True,
    "disabled": False,
    "aria-describedby": 'id_x_helptext"&<',
    "data-safe": mark_safe("<b>safe</b>"),
    "data-number": Decimal("1.50"),
    "data-tuple": (1, 2),
}
VALUES = [None, "", "Bog & Co <b>\"quoted\"</b> 'single'", 5, Decimal("9.50"), mark_safe("<i>safe</i>"), "line\nnext"]
WIDGETS = [
    forms.TextInput,
    forms.EmailInput,
    forms.HiddenInput,
    forms.NumberInput,
    forms.URLInput,
    lambda attrs: forms.PasswordInput(attrs, render_value=True),
    forms.Textarea,
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("widget", WIDGETS)
def test_widgets_drawn_in_python_match_djangos_templates(widget, value):
    """Every input and the textarea: the same markup from Python as from Django's templates
    (escaping, True/False attributes, safe strings, numbers, empty and missing values)."""
    attrs = {"id": "id_x", "class": "a&b"}
    expected = widget(dict(ATTRS)).render("x&y", value, attrs, renderer=TemplatesOnly())
    drawn = widget(dict(ATTRS)).render("x&y", value, attrs, renderer=StoreFormRenderer())
    assert drawn == expected


class LabelForm(forms.Form):
    """Labels with characters to escape, a safe label, no label suffix and a radio group (legend)."""

    plain = forms.CharField(label="Name & <title>")
    safe = forms.CharField(label=mark_safe("<em>Safe</em>"))
    question = forms.CharField(label="Really?")
    spaced = forms.CharField(label="  Spaced  ")
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_labels_drawn_in_python_match_djangos_template(auto_id):
    """``label_tag`` and ``legend_tag``, with and without ids (no tag then), suffixes and attributes."""
    for field in LabelForm.base_fields:
        expected_form = LabelForm(auto_id=auto_id, renderer=TemplatesOnly())
        drawn_form = LabelForm(auto_id=auto_id, renderer=StoreFormRenderer())
        for call in (
            lambda form, name=field: form[name].label_tag(),
            lambda form, name=field: form[name].legend_tag(),
            lambda form, name=field: form[name].label_tag(attrs={"class": "x&y", "hidden": True}, label_suffix=" »"),
            lambda form, name=field: form[name].label_tag(contents="Other <b>"),
        ):
            assert call(drawn_form) == call(expected_form), field


class EveryKindForm(forms.Form):
    """Fields of every kind the field template draws differently."""

    name = forms.CharField(label="Name & co", help_text="Your <b>full</b> name.", min_length=3)
    nickname = forms.CharField(label="", required=False)
    agree = forms.BooleanField(label="I agree & accept", help_text="Needed.")
    news = forms.BooleanField(label="News", required=False)
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect, help_text="Pick one."
    )
    extras = forms.MultipleChoiceField(
        label="Extras", choices=[("a", "A & B")], widget=forms.CheckboxSelectMultiple, required=False
    )
    size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large")])
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def clean(self):
        self.add_error("name", "A second <error> & more.")
        return super().clean()


@pytest.mark.parametrize("data", [None, {"name": "x"}, {"name": "Ann", "agree": "on", "colour": "r", "size": "l"}])
def test_fields_of_every_kind_are_drawn_byte_for_byte_as_by_the_field_template(data):
    """The whole form (``{{ form }}``: each field through ``core/forms/field.html``), unbound, with
    errors and valid: checkboxes, radio groups in a fieldset, hints, empty labels, several errors."""
    assert str(EveryKindForm(data, renderer=StoreFormRenderer())) == str(EveryKindForm(data, renderer=TemplatesOnly()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [None, {**ADDRESS, "email": "not an email", "postal_code": "ABC"}, {**ADDRESS, "email": "a@b.c"}]
)
def test_the_checkout_form_is_drawn_byte_for_byte_as_by_the_templates(data):
    """The checkout form, empty, with errors and valid: the same page fragment either way."""
    template = engines["django"].from_string('{% include "orders/_checkout_fields.html" %}')

    def page(renderer):
        form = CheckoutForm(data, initial={"checkout_token": "t", "country": "US"}, renderer=renderer)
        if data is not None:
            form.is_valid()
        return template.render({"form": form})

    assert page(StoreFormRenderer()) == page(TemplatesOnly())


def test_a_template_that_is_not_djangos_own_is_rendered_as_a_template():
    """An app overriding Django's input template gets its template, not the Python drawing: the
    renderer compares the template it would load (and those it includes) with Django's."""

    class Overridden(StoreFormRenderer):
        def get_template(self, template_name):
            if template_name == "django/forms/widgets/input.html":
                return engines["django"].from_string('<input class="overridden" name="{{ widget.name }}">')
            return super().get_template(template_name)

    renderer = Overridden()
    assert not renderer.draws_in_python("django/forms/widgets/text.html")
    assert renderer.draws_in_python("django/forms/widgets/textarea.html")


def test_djangos_templates_are_still_the_ones_drawn_in_python():
    """The installed Django's templates are the sources drawn in Python (a Django upgrade that
    changes one makes this fail, and the renderer falls back to the template meanwhile)."""
    renderer = StoreFormRenderer()
    assert all(renderer.draws_in_python(name) for name in PYTHON_DRAWN)
