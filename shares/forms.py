from django import forms
from django.utils.translation import gettext as _

from images.models import Image


class ShareTargetForm(forms.Form):
    """What the web app manifest's share_target sends (see shares.views.manifest)."""

    title = forms.CharField(required=False, max_length=10_000)
    text = forms.CharField(required=False, max_length=10_000)
    url = forms.CharField(required=False, max_length=10_000)


class ConfirmPhotoForm(forms.ModelForm):
    """The staged photo's title, description and alt text, confirmed with a CSRF token."""

    class Meta:
        model = Image
        fields = ["title", "description", "alt_text"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 5000
        self.fields["description"].widget.attrs["maxlength"] = 5000

    def clean_description(self):
        description = self.cleaned_data.get("description", "")
        if len(description) > 5000:
            raise forms.ValidationError(_("Keep the description under 5000 characters."))
        return description
