from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Profile

User = get_user_model()


def ensure_profile(user) -> Profile:
    """Return the user's Profile, creating it if missing. Idempotent: every path that makes
    users (registration, admin, social login) calls this one function."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def register_user(*, username: str, email: str, password: str, first_name: str = "") -> User:
    """Create an active user with a hashed password and a Profile."""
    user = User(username=username, email=email, first_name=first_name)
    user.set_password(password)
    user.save()
    ensure_profile(user)
    return user
