from django import forms

from .fetch import FetchError, check_url
from .models import Image

MAX_ID = 2**63 - 1


class ImageCreateForm(forms.ModelForm):
    url = forms.URLField(
        label="Image address",
        max_length=2000,
        assume_scheme="https",
    )

    class Meta:
        model = Image
        fields = ["title", "url", "description"]
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
    """Like FollowForm: `id` cleans to the target object (the image)."""

    id = forms.IntegerField(min_value=1, max_value=MAX_ID)
    action = forms.ChoiceField(choices=[("like", "like"), ("unlike", "unlike")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_id(self) -> Image:
        try:
            return Image.objects.only("id").get(pk=self.cleaned_data["id"])
        except Image.DoesNotExist:
            raise forms.ValidationError("No such image.") from None
