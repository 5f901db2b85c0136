from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookmarks.thumbnails import thumbnail_for

BIO_MAX_LENGTH = 300


class UsernameValidator(UnicodeUsernameValidator):
    """Django's rule (letters, digits and @ . + - _) less "@" (no username may pass for an
    e-mail address at the login) and less the names "." and "..": URLs read those as path steps
    (/account/users/../ is /account/), so they could have no profile page. Every other name
    that passes has one (tests/account/test_usernames.py)."""

    regex = r"^(?!\.\.?\Z)[\w.+-]+\Z"
    message = _(
        "Enter a valid username: letters, digits and . + - _ only, and not just “.” or “..”."
    )


class User(AbstractUser):
    """Our user: Django's, with an e-mail that is unique whatever its case.

    `email_confirmed` says that the person opened a confirmation link sent to `email`: only
    then may a social login with that address join this account. A changed address waits in
    `pending_email` until its own link is opened (it reserves nothing meanwhile).
    """

    email_confirmed = models.BooleanField(
        _("e-mail confirmed"),
        default=False,
        help_text=_("The owner opened a confirmation link sent to this address."),
    )
    pending_email = models.EmailField(
        _("new e-mail waiting for confirmation"), blank=True, editable=False
    )
    username_validator = UsernameValidator()
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and ./+/-/_ only."),
        validators=[username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    following = models.ManyToManyField(
        "self", through="Contact", related_name="followers", symmetrical=False
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="account_user_email_ci_unique",
                condition=~models.Q(email=""),
                violation_error_message=_("A user with that e-mail address already exists."),
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="account_user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
        ]

    def __str__(self):
        return self.username

    def get_absolute_url(self):
        return reverse("user_detail", args=[self.username])

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def initial(self) -> str:
        return (self.display_name[:1] or "?").upper()


class Theme(models.TextChoices):
    """The site's colours: the system's choice (prefers-color-scheme), or always light or dark."""

    SYSTEM = "system", _("System")
    LIGHT = "light", _("Light")
    DARK = "dark", _("Dark")


def _bio_text() -> str:
    return gettext("A few words about you for your page, %(count)s characters at most.") % {
        "count": BIO_MAX_LENGTH
    }


_bio_help_text = lazy(_bio_text, str)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    date_of_birth = models.DateField(blank=True, null=True)
    photo = models.ImageField(upload_to="users/%Y/%m/%d/", blank=True)
    photo_thumbnails = models.JSONField(default=dict, blank=True, editable=False)
    # New bookmarks start private when set (the bookmark form's checkbox is ticked).
    private_by_default = models.BooleanField(default=False)
    # A few lines about the person, shown as plain text (escaped, line breaks kept) on their page.
    bio = models.TextField(
        max_length=BIO_MAX_LENGTH,
        blank=True,
        help_text=_bio_help_text(),
    )
    theme = models.CharField(max_length=10, choices=Theme.choices, default=Theme.SYSTEM)
    # One of settings.LANGUAGES' codes, or empty: the browser's language (account/language.py).
    language = models.CharField(max_length=10, blank=True, default="")

    def __str__(self):
        return gettext("Profile of %(username)s") % {"username": self.user.username}

    @property
    def avatar(self):
        return thumbnail_for(self.photo_thumbnails, "avatar", self.photo)


class Contact(models.Model):
    """`user_from` follows `user_to` (a "follow" in the admin)."""

    user_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rel_from_set"
    )
    user_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rel_to_set"
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user_from", "user_to"], name="account_contact_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(user_from=models.F("user_to")),
                name="account_contact_no_self_follow",
                violation_error_message=_("You cannot follow yourself."),
            ),
        ]
        indexes = [
            models.Index(fields=["user_to", "-created"], name="account_contact_followers_idx"),
        ]

    def __str__(self):
        return gettext("%(follower)s follows %(followed)s") % {
            "follower": self.user_from,
            "followed": self.user_to,
        }
