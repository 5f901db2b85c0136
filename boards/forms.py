from django import forms

from .models import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH

MAX_ID = 2**63 - 1
MAX_POSITION = 2**31 - 1


class BoardForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME_LENGTH)
    description = forms.CharField(
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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
            raise forms.ValidationError("Choose a board, or name a new one.")
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
