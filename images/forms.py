from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookmarks.imaging import ImageError, check_size, validate_image

from .fetch import FetchError, check_url
from .models import Image
from .reasons import translated_reason
from .services import Upload
from .tags import MAX_TAGS_PER_IMAGE, parse_tags

MAX_ID = 2**63 - 1
ACCEPTED_TYPES = (
    "image/jpeg,image/png,image/gif,image/webp,image/heic,image/heif,image/avif,.heic,.heif"
)


# The model fields' own names ("title", …) are not in the catalogue: labelled here.
LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "private": gettext_lazy("Private"),
}


class ImageCreateForm(forms.ModelForm):
    """An image address to download, or a file from the person's device (exactly one)."""

    url = forms.URLField(
        label=gettext_lazy("Image address"),
        max_length=2000,
        assume_scheme="https",
        required=False,
    )
    # A plain FileField: Django's ImageField would open the file with Pillow in this
    # process; bookmarks.imaging checks it in a contained child instead.
    image = forms.FileField(
        label=gettext_lazy("…or a file from your device"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
        help_text=gettext_lazy(
            "JPEG, PNG, GIF, WebP, HEIC or AVIF. Drop a file here or paste an image."
        ),
    )

    # The page the image was found on (filled in by the bookmarklet); never fetched.
    page_url = forms.URLField(
        max_length=2000, assume_scheme="https", required=False, widget=forms.HiddenInput
    )

    field_order = ["title", "url", "image", "description", "page_url"]

    class Meta:
        model = Image
        fields = [
            "title",
            "url",
            "description",
            "alt_text",
            "private",
        ]  # `image` is not the model's file: see above
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 5000
        self.fields["description"].widget.attrs["maxlength"] = 5000

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url:
            return ""
        try:
            return check_url(url)
        except FetchError as error:
            raise forms.ValidationError(translated_reason(error.message)) from error

    def clean_page_url(self):
        page_url = self.cleaned_data["page_url"]
        if page_url and not page_url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(
                _("The page's address must start with http:// or https://.")
            )
        return page_url

    def clean_image(self):
        file = self.cleaned_data.get("image")
        if not file:
            return None
        try:
            check_size(file.size)  # before reading a byte of it
            content = file.read()
            return Upload(content=content, info=validate_image(content))
        except ImageError as error:
            raise forms.ValidationError(translated_reason(error.message)) from error

    def clean_description(self):
        description = self.cleaned_data.get("description", "")
        if len(description) > 5000:
            raise forms.ValidationError(_("Keep the description under 5000 characters."))
        return description

    def clean(self):
        cleaned = super().clean()
        url, upload = cleaned.get("url"), cleaned.get("image")
        if "url" in self.errors or "image" in self.errors:
            return cleaned
        if url and upload:
            raise forms.ValidationError(_("Give an image address or a file, not both."))
        if not url and not upload:
            raise forms.ValidationError(_("Give the address of an image, or choose a file."))
        return cleaned


class LikeForm(forms.Form):
    """Like FollowForm: `id` cleans to the target object (the image)."""

    id = forms.IntegerField(min_value=1, max_value=MAX_ID)
    action = forms.ChoiceField(choices=[("like", "like"), ("unlike", "unlike")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id(self) -> Image:
        try:  # only ready images the person may see (their own private ones too)
            images = Image.objects.visible_to(self.user).filter(status="ready")
            return images.only("id").get(pk=self.cleaned_data["id"])
        except Image.DoesNotExist:
            raise forms.ValidationError(_("No such image.")) from None


class OwnImageForm(forms.Form):
    """Retry or Remove: `id` cleans to the person's own image (anybody else's reads as none)."""

    id = forms.IntegerField(min_value=1, max_value=MAX_ID)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id(self) -> Image:
        try:
            return Image.objects.only("id").get(pk=self.cleaned_data["id"], user=self.user)
        except Image.DoesNotExist:
            raise forms.ValidationError(_("No such image.")) from None


class ImageEditForm(forms.ModelForm):
    """The owner's edit of an image's text and tags (the boards are edited on the same page
    through the boards app's "Save to a board" widget)."""

    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-tag-input": ""}),
    )

    class Meta:
        model = Image
        fields = ["title", "description", "alt_text", "private"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 5000
        self.fields["description"].widget.attrs["maxlength"] = 5000
        self.fields["tags"].help_text = _(
            "Up to %(count)s, separated by commas or spaces: letters, digits, “-” and “_”."
        ) % {"count": MAX_TAGS_PER_IMAGE}
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(sorted(t.name for t in self.instance.tags.all()))

    def clean_description(self):
        description = self.cleaned_data.get("description", "")
        if len(description) > 5000:
            raise forms.ValidationError(_("Keep the description under 5000 characters."))
        return description

    def clean_tags(self):
        return parse_tags(self.cleaned_data.get("tags", ""))


class ViewerForm(forms.Form):
    id = forms.IntegerField(min_value=1, max_value=MAX_ID)
