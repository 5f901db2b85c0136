from django import forms

MAX_ID = 2**63 - 1


class CommentForm(forms.Form):
    """`body` is checked by comments.services (empty, length, mentions) with its reasons."""

    image = forms.IntegerField(min_value=1, max_value=MAX_ID)
    body = forms.CharField(required=False, strip=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CommentEditForm(forms.Form):
    body = forms.CharField(required=False, strip=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class NoFields(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
