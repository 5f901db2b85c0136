from django import forms

from .models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["liked", "commented", "mentioned", "followed", "saved", "email_digest"]
