from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from actions.models import Verb
from actions.services import create_action
from bookmarks import privacy
from bookmarks.http import Refused
from bookmarks.social import Happening, announce
from bookmarks.thumbnails import delete_thumbnails, render_thumbnails, store_thumbnails

from .models import Contact, Profile, User

AVATAR_ALIASES = ("avatar",)


def ensure_profile(user) -> Profile:
    """Return the user's Profile, creating it if missing. Idempotent: every path that makes
    users (registration, admin, social login) calls this one function."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def welcome_new_user(user) -> Profile:
    """What every new account gets, however it was made (form, social login): its Profile and
    the "has created an account" action in the activity stream."""
    profile = ensure_profile(user)
    create_action(user, Verb.JOINED)
    return profile


@transaction.atomic
def register_user(*, username: str, email: str, password: str, first_name: str = "") -> User:
    """Create an active user with a hashed password, a Profile and the welcome action."""
    user = User(username=username, email=email, first_name=first_name)
    user.set_password(password)
    user.save()
    welcome_new_user(user)
    return user


def set_theme(*, user, theme: str) -> Profile:
    """Save the person's colour theme (a Theme value; the caller has checked it)."""
    profile = ensure_profile(user)
    if profile.theme != theme:
        profile.theme = theme
        profile.save(update_fields=["theme"])
    return profile


def set_language(*, user, language: str) -> Profile:
    """Save the person's language (an offered code; the caller has checked it)."""
    profile = ensure_profile(user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile


def follow_user(*, user_from, user_to, follow: bool) -> int:
    """Follow or unfollow; returns user_to's follower count (active followers, as their page
    counts them). Idempotent, safe when two
    requests race (the unique constraint decides), and records "is following" once. Raises
    Refused for following yourself, or someone who blocked you (or whom you blocked)."""
    if user_from.pk == user_to.pk:
        raise Refused(gettext("You cannot follow yourself."))
    if follow and privacy.blocked_either_way(user_from.pk, user_to.pk):
        raise Refused(gettext("You cannot follow this person."))
    if follow:
        try:
            with transaction.atomic():
                Contact.objects.create(user_from=user_from, user_to=user_to)
        except IntegrityError:
            pass  # already following
        else:
            create_action(user_from, Verb.FOLLOWS, user_to)
            announce(Happening.FOLLOWED, actor=user_from, target=user_to)
    else:
        Contact.objects.filter(user_from=user_from, user_to=user_to).delete()
    return Contact.objects.filter(user_to=user_to, user_from__is_active=True).count()


def save_profile(*, user_form, profile_form) -> None:
    """Save both edit forms. A new photo (validated by ProfileEditForm) and its avatar
    thumbnail are made and stored before the transaction, which holds only the row writes;
    the replaced files are removed once it commits. Raises ImageError when the avatar cannot
    be made (nothing is then changed)."""
    profile = profile_form.instance
    photo_changed = "photo" in profile_form.changed_data
    old_photo, old_thumbnails = profile_form.initial.get("photo"), profile.photo_thumbnails
    new_files: list[str] = []
    if photo_changed:
        upload = profile_form.cleaned_data.get("photo")
        if upload:
            rendered = render_thumbnails(upload.read(), AVATAR_ALIASES)  # a contained child
            field = Profile._meta.get_field("photo")
            name = field.storage.save(field.generate_filename(profile, upload.name), upload)
            new_files.append(name)
            try:
                profile.photo_thumbnails = store_thumbnails(name, rendered)
            except BaseException:
                _delete_files(new_files)
                raise
            profile.photo = name  # stored: saving the row writes no file
        else:
            profile.photo, profile.photo_thumbnails = "", {}
    try:
        with transaction.atomic():
            user_form.save()
            profile_form.save()
            if photo_changed:
                transaction.on_commit(lambda: _forget_photo(old_photo, old_thumbnails))
    except BaseException:
        delete_thumbnails(profile.photo_thumbnails if new_files else {})
        _delete_files(new_files)
        raise


def _delete_files(names: list[str]) -> None:
    storage = Profile._meta.get_field("photo").storage
    for name in names:
        storage.delete(name)


def _forget_photo(photo, thumbnails: dict) -> None:
    """Remove a replaced photo and its thumbnails, unless another profile still shows the
    photo (demo data shares a pool of avatars)."""
    name = getattr(photo, "name", photo)
    if name and Profile.objects.filter(photo=name).exists():
        return
    delete_thumbnails(thumbnails)
    if name:
        _delete_files([name])


def delete_account(*, user) -> None:
    """Delete the person and everything of theirs, in one transaction: images (and, once it
    commits, their files and thumbnails), boards, other people's board entries of their images,
    likes (the liked images recounted), follows, comments, notifications, actions by and about
    them, social logins, their profile photo and their Redis keys. The bookkeeping lives in
    signals (account.signals, images.signals, boards.signals, notifications.signals) so the
    admin's deletions leave as little behind; this is the person's own way to it."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).delete()
