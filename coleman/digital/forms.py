"""Forms of the digital app (staff)."""

from django import forms

from coleman.products.models import Product

from .models import DigitalAsset


class LicenseKeyBatchForm(forms.Form):
    """Add license keys to a product's pool: typed or pasted one per line, or generated."""

    product = forms.ModelChoiceField(queryset=Product.objects.filter(is_digital=True).order_by("name"))
    keys = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="One key per line. Keys already in the pool are skipped.",
        max_length=200_000,
    )
    generate = forms.IntegerField(
        min_value=0, max_value=10_000, required=False, help_text="Or generate this many keys like 1456-1514-3657-2198."
    )

    def clean(self):
        cleaned = super().clean()
        keys = [line.strip() for line in (cleaned.get("keys") or "").splitlines() if line.strip()]
        if "\x00" in (cleaned.get("keys") or ""):
            raise forms.ValidationError("Keys cannot contain NUL characters.")
        if any(len(key) > 200 for key in keys):
            raise forms.ValidationError("A key is longer than 200 characters.")
        if not keys and not cleaned.get("generate"):
            raise forms.ValidationError("Type some keys or ask for some to be generated.")
        cleaned["key_list"] = keys
        return cleaned


class DigitalAssetForm(forms.ModelForm):
    """A downloadable file: the current file is named, never linked (it has no public URL)."""

    class Meta:
        model = DigitalAsset
        fields = ["product", "title", "file", "content_type", "position"]
        widgets = {"file": forms.FileInput}
