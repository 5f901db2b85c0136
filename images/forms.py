from django import forms

from .fetch import FetchError, check_url
from .models import Image
from .tags import MAX_TAGS_PER_IMAGE, parse_tags

MAX_ID = 2**63 - 1


class ImageCreateForm(forms.ModelForm):
    url = forms.URLField(
        label="Image address",
        max_length=2000,
        assume_scheme="https",
    )

    class Meta:
        model = Image
        fields = ["title", "url", "description", "alt_text"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 5000
        self.fields["description"].widget.attrs["maxlength"] = 5000

    def clean_url(self):
        try:
            return check_url(self.cleaned_data["url"])
        except FetchError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_description(self):
        description = self.cleaned_data.get("description", "")
        if len(description) > 5000:
            raise forms.ValidationError("Keep the description under 5000 characters.")
        return description


class LikeForm(forms.Form):
    id = forms.IntegerField(min_value=1, max_value=MAX_ID)
    action = forms.ChoiceField(choices=[("like", "like"), ("unlike", "unlike")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_id(self):
        image_id = self.cleaned_data["id"]
        if not Image.objects.filter(pk=image_id).exists():
            raise forms.ValidationError("No such image.")
        return image_id


class ImageEditForm(forms.ModelForm):
    """The owner's edit of an image's text and tags (the boards are edited on the same page
    through the boards app's "Save to a board" widget)."""

    tags = forms.CharField(
        required=False,
        max_length=2000,
        help_text=f"Up to {MAX_TAGS_PER_IMAGE}, separated by commas or spaces: letters, digits, "
        "“-” and “_”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-tag-input": ""}),
    )

    class Meta:
        model = Image
        fields = ["title", "description", "alt_text"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 5000
        self.fields["description"].widget.attrs["maxlength"] = 5000
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(sorted(t.name for t in self.instance.tags.all()))

    def clean_description(self):
        description = self.cleaned_data.get("description", "")
        if len(description) > 5000:
            raise forms.ValidationError("Keep the description under 5000 characters.")
        return description

    def clean_tags(self):
        return parse_tags(self.cleaned_data.get("tags", ""))
