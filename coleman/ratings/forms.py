"""Forms of the ratings app."""

from django import forms
from django.core.validators import MaxLengthValidator

from coleman.conf import coleman_settings

from .models import MAX_STARS, MIN_STARS


class ReviewForm(forms.Form):
    """A customer's review: the text, an optional star rating and a spam honeypot."""

    STAR_CHOICES = [("", "No rating")] + [
        (str(n), f"{n} star{'s' if n != 1 else ''}") for n in range(MAX_STARS, MIN_STARS - 1, -1)
    ]

    stars = forms.TypedChoiceField(
        label="Your rating (optional)", choices=STAR_CHOICES, coerce=int, required=False, empty_value=None
    )
    body = forms.CharField(
        label="Your review",
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=True,
        error_messages={"required": "Please write a few words about it."},
    )
    # Humans never see this field (it is hidden and skipped by the keyboard); bots fill it in.
    website = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_length = coleman_settings.REVIEWS_MAX_LENGTH
        body = self.fields["body"]
        body.max_length = max_length
        body.validators.append(MaxLengthValidator(max_length))
        body.widget.attrs["maxlength"] = str(max_length)
        body.help_text = f"Up to {max_length:,} characters."
        body.error_messages["max_length"] = (
            f"Please keep your review under {max_length:,} characters (it has %(show_value)s)."
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        """Refuse the form when the honeypot field was filled in (a spam robot did it)."""
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("This review looks like spam and was not posted.")
        return ""
