from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Scope
from .tokens import EXPIRY_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("What it is for, e.g. “Browser extension” or “Backup script”."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": gettext_lazy("Browser extension")}
        ),
    )
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        label=gettext_lazy("It may"),
    )
    expires = forms.ChoiceField(
        label=gettext_lazy("Expires"),
        choices=[
            ("never", gettext_lazy("Never")),
            ("30", gettext_lazy("In 30 days")),
            ("90", gettext_lazy("In 90 days")),
            ("365", gettext_lazy("In a year")),
        ],
        initial="90",
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        if any(ord(char) < 32 or ord(char) == 127 for char in name):
            raise forms.ValidationError(_("The name cannot hold control characters."))
        return name

    def clean_expires(self) -> int | None:
        return EXPIRY_CHOICES[self.cleaned_data["expires"]]


class RevokeForm(forms.Form):
    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
