from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from account.forms import CurrentPasswordForm
from bookmarks.imaging import describe_bytes


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=gettext_lazy("Your export (a .zip file)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        help_text=gettext_lazy(
            "A ZIP made by “Export your data” on this or another Bookmarks site."
        ),
        error_messages={
            "required": gettext_lazy("Choose the ZIP file of an export."),
            "empty": gettext_lazy("That file is empty."),
        },
    )

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if archive.size > settings.IMPORT_MAX_BYTES:
            limit = describe_bytes(settings.IMPORT_MAX_BYTES)
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; import a smaller export.") % {"limit": limit}
            )
        return archive


class DeleteAccountForm(CurrentPasswordForm):
    """The password, for accounts that have one (the others prove it's them by a fresh social
    login instead; the view checks that)."""

    wrong_password = gettext_lazy("That is not your password; your account was not deleted.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].label = gettext_lazy("Your password")
