from django.db import IntegrityError, transaction

from actions.models import Verb
from actions.services import create_action
from bookmarks.http import Refused
from bookmarks.thumbnails import delete_thumbnails, make_thumbnails

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


def follow_user(*, user_from, user_to, follow: bool) -> int:
    """Follow or unfollow; returns user_to's follower count. Idempotent, safe when two
    requests race (the unique constraint decides), and records "is following" once. Raises
    Refused for following yourself."""
    if user_from.pk == user_to.pk:
        raise Refused("You cannot follow yourself.")
    if follow:
        try:
            with transaction.atomic():
                Contact.objects.create(user_from=user_from, user_to=user_to)
        except IntegrityError:
            pass  # already following
        else:
            create_action(user_from, Verb.FOLLOWS, user_to)
    else:
        Contact.objects.filter(user_from=user_from, user_to=user_to).delete()
    return Contact.objects.filter(user_to=user_to).count()


def save_profile(*, user_form, profile_form) -> None:
    """Save both edit forms; remake the avatar thumbnail when the photo changed."""
    with transaction.atomic():
        user_form.save()
        profile = profile_form.save()
        if "photo" in profile_form.changed_data:
            old_thumbnails = profile.photo_thumbnails
            profile.photo_thumbnails = (
                make_thumbnails(profile.photo, AVATAR_ALIASES) if profile.photo else {}
            )
            profile.save(update_fields=["photo_thumbnails"])
            transaction.on_commit(lambda: delete_thumbnails(old_thumbnails))
