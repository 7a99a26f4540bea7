"""Forms of the ratings app."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from coleman.conf import coleman_settings

from .models import MAX_STARS, MIN_STARS
from .presentation import count_of_stars


def star_choices():
    """The choices of the optional rating, best first, in the active language."""
    return [("", _("No rating"))] + [(str(n), count_of_stars(n)) for n in range(MAX_STARS, MIN_STARS - 1, -1)]


class ReviewForm(forms.Form):
    """A customer's review: the text, an optional star rating and a spam honeypot."""

    stars = forms.TypedChoiceField(
        label=_("Your rating (optional)"), choices=star_choices, coerce=int, required=False, empty_value=None
    )
    body = forms.CharField(
        label=_("Your review"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=True,
        error_messages={"required": _("Please write a few words about it.")},
    )
    # Humans never see this field (it is hidden and skipped by the keyboard); bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_length = coleman_settings.REVIEWS_MAX_LENGTH
        body = self.fields["body"]
        body.max_length = max_length
        body.validators.append(MaxLengthValidator(max_length))
        body.widget.attrs["maxlength"] = str(max_length)
        body.help_text = _("Up to %(limit)s characters.") % {"limit": number_format(max_length, force_grouping=True)}
        body.error_messages["max_length"] = _(
            "Please keep your review under %(limit)s characters (it has %%(show_value)s)."
        ) % {"limit": number_format(max_length, force_grouping=True)}
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        """Refuse the form when the honeypot field was filled in (a spam robot did it)."""
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This review looks like spam and was not posted."))
        return ""
