from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.files.base import ContentFile
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bookmarks.imaging import ImageError, validate_image
from bookmarks.metadata import strip_metadata

from .language import language_of
from .models import Profile
from .selectors import looks_like_email
from .throttle import WARN_WHEN_LEFT, attempts_left

User = get_user_model()


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=gettext_lazy("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def get_invalid_login_error(self):
        """The usual refusal, with a warning when only a few tries remain before the pause
        (account/throttle.py counts them): people should hear it before they are paused."""
        error = super().get_invalid_login_error()
        field = settings.AXES_USERNAME_FORM_FIELD
        left = attempts_left(self.request, {field: self.cleaned_data.get("username")})
        if left is None or left > WARN_WHEN_LEFT or left == 0:
            return error
        minutes = settings.LOGIN_COOLOFF_MINUTES
        warning = ngettext(
            "%(left)s attempt left: after that, logging in to this account from here pauses"
            " for %(minutes)s minutes. Forgotten your password? Reset it.",
            "%(left)s attempts left: after that, logging in to this account from here pauses"
            " for %(minutes)s minutes. Forgotten your password? Reset it.",
            left,
        ) % {"left": left, "minutes": minutes}
        return forms.ValidationError(
            f"{error.message} {warning}", code=error.code, params=error.params
        )


def _email_taken(email: str, exclude_pk=None) -> bool:
    """Whether another account has this e-mail, or a username spelled like it (which would
    answer logins typed with this address before the e-mail does)."""
    users = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


class UserRegistrationForm(forms.ModelForm):
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # The rules up front, not only after a refusal (the validators' own words).
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=gettext_lazy("Repeat password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["username"].help_text = _(
            "150 characters or fewer: letters, digits and ./+/-/_"
        )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if looks_like_email(username):
            # Logins accept an e-mail in the username field: a username that reads as an
            # address could be somebody else's address.
            raise forms.ValidationError(_("A username cannot contain “@”."))
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with that username already exists."))
        return username

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if _email_taken(email):
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        password, password2 = cleaned.get("password"), cleaned.get("password2")
        if password and password2 and password != password2:
            self.add_error("password2", _("The two passwords don't match."))
        elif password:
            candidate = User(
                username=cleaned.get("username", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class UserEditForm(forms.ModelForm):
    # The e-mail changes on its own page (EmailChangeForm): password and confirmation.
    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class CurrentPasswordForm(forms.Form):
    """A form for a step that asks the account's password, when it has one (an account without
    one proves it is theirs by a fresh social login instead: the view checks that)."""

    password = forms.CharField(
        label=gettext_lazy("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    wrong_password = gettext_lazy("That is not your current password.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(self.wrong_password)
        return password


class EmailChangeForm(CurrentPasswordForm):
    """A new e-mail address, with the current password when the account has one (an account
    without one re-authenticates with its provider first: see views.email_change)."""

    email = forms.EmailField(
        label=gettext_lazy("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    field_order = ["email", "password"]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError(_("This is already your e-mail address."))
        if _email_taken(email, exclude_pk=self.user.pk):
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


ACCEPTED_PHOTO_TYPES = "image/jpeg,image/png,image/gif,image/webp"


class PhotoInput(forms.ClearableFileInput):
    """The current photo as a picture (not its file path), a 'Remove' box, the file field.
    Its template lives in the app (account/templates/), where Django's form renderer looks."""

    template_name = "account/widgets/photo_input.html"


class ProfileEditForm(forms.ModelForm):
    # A plain FileField: Django's ImageField would open the photo with Pillow in this process;
    # bookmarks.imaging checks it (every frame decoded) in a contained child instead.
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        widget=PhotoInput(attrs={"accept": ACCEPTED_PHOTO_TYPES}),
        help_text=gettext_lazy("JPEG, PNG, GIF, WebP, HEIC or AVIF."),
    )

    class Meta:
        model = Profile
        fields = ["bio", "date_of_birth", "photo", "private_by_default"]
        labels = {
            "bio": gettext_lazy("Bio"),
            "date_of_birth": gettext_lazy("Date of birth"),
            "private_by_default": gettext_lazy("Make my new bookmarks private"),
        }
        help_texts = {
            "private_by_default": gettext_lazy(
                "The bookmark form starts with “Private” ticked; "
                "you can still change it for each image."
            )
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_photo(self):
        """The same checks as every image (bookmarks.imaging), with the photo's own byte cap;
        the stored name takes its extension from the detected format."""
        photo = self.cleaned_data.get("photo")
        if not photo or isinstance(photo, FieldFile):
            return photo  # cleared (False), or the photo already stored
        limit = settings.PROFILE_PHOTO_MAX_BYTES
        if photo.size > limit:
            raise forms.ValidationError(
                _("The photo must be %(size)s or smaller.") % {"size": filesizeformat(limit)}
            )
        try:
            content = photo.read()
            info = validate_image(content, max_bytes=limit)
            content = strip_metadata(content)  # a profile photo shows no camera or GPS data
        except ImageError as error:
            raise forms.ValidationError(error.message) from error
        return ContentFile(content, name=f"photo.{info.extension}")


class FollowForm(forms.Form):
    """Like LikeForm: `id` cleans to the target object (an active user); the rules about
    following (not yourself) are the service's, which raises Refused."""

    id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(choices=[("follow", "follow"), ("unfollow", "unfollow")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id(self):
        try:
            target = User.objects.get(pk=self.cleaned_data["id"], is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No such user.")) from None
        return target


class PersonLanguagePasswordResetForm(PasswordResetForm):
    """Django's, with the mail written in the account's saved language (else the page's)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with language_of(context.get("user")):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
