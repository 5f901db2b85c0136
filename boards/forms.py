from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, Role

MAX_ID = 2**63 - 1
MAX_POSITION = 2**31 - 1


class BoardForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME_LENGTH, label=_("Name"))
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    secret = forms.BooleanField(
        required=False,
        label=_("Secret"),
        help_text=_("Only you and the people you add below see it; saving to it tells nobody."),
    )


class SaveForm(forms.Form):
    """Save `image` to the board `board`, or to a new board named `new_board`."""

    image = forms.IntegerField(min_value=1, max_value=MAX_ID)
    board = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    new_board = forms.CharField(max_length=MAX_NAME_LENGTH, required=False, strip=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("board") is None and not data.get("new_board"):
            raise forms.ValidationError(_("Choose a board, or name a new one."))
        return data


class EntryForm(forms.Form):
    image = forms.IntegerField(min_value=1, max_value=MAX_ID)
    board = forms.IntegerField(min_value=1, max_value=MAX_ID)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class MoveForm(forms.Form):
    image = forms.IntegerField(min_value=1, max_value=MAX_ID)
    position = forms.IntegerField(min_value=0, max_value=MAX_POSITION)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CoverForm(forms.Form):
    image = forms.IntegerField(min_value=1, max_value=MAX_ID)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class MemberForm(forms.Form):
    """The owner's change to a board's collaborators: add a person (by username) with a role,
    change someone's role, or remove them."""

    action = forms.ChoiceField(choices=[("add", "add"), ("role", "role"), ("remove", "remove")])
    username = forms.CharField(max_length=151, required=False, strip=True)
    user = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    role = forms.ChoiceField(choices=Role.choices, required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["action"] == "add" and not data.get("username"):
            raise forms.ValidationError(_("Give the username of the person to add."))
        if data["action"] != "add" and not data.get("user"):
            raise forms.ValidationError(_("Choose a collaborator."))
        if data["action"] in ("add", "role") and not data.get("role"):
            raise forms.ValidationError(_("Choose Viewer or Editor."))
        return data
