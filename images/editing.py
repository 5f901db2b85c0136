"""The owner's changes to an image: edit its text and tags, or delete it.

Deleting leans on what follows every delete (images.signals: actions, files, thumbnails,
Redis keys; foreign keys: likes, tags and board entries go with the row)."""

from django.db import transaction
from django.http import Http404

from .models import Image
from .visibility import set_image_private


def owned_image_or_404(user, image_id: int) -> Image:
    """The user's own image `image_id`. Anyone else's answers 404 like a missing one, so the
    edit and delete addresses never tell that an image exists."""
    if not user.is_authenticated:
        raise Http404("No such image.")
    try:
        return Image.objects.select_related("user").get(pk=image_id, user=user)
    except Image.DoesNotExist:
        raise Http404("No such image.") from None


def update_image(
    *,
    image: Image,
    title: str,
    description: str,
    alt_text: str,
    tags: list[str],
    private: bool | None = None,
):
    """Save the image's text and set its tags (already normalised, see images.tags); with
    `private`, make it private or public (files, actions and rankings follow at once, see
    images.visibility)."""
    with transaction.atomic():
        image.title, image.description, image.alt_text = title, description, alt_text
        image.save(update_fields=["title", "description", "alt_text"])
        image.tags.set(tags)
        if private is not None:
            set_image_private(image=image, private=private)
    return image


def private_by_default(user) -> bool:
    """Whether the person's new bookmarks start private (their profile's default). The
    profile is reached through the user (account knows images, not the reverse)."""
    profile = getattr(user, "profile", None)  # none yet: a missing profile reads as False
    return bool(profile and profile.private_by_default)


def delete_image(*, image: Image) -> None:
    """Delete the row and everything that hangs on it (see the module's docstring)."""
    with transaction.atomic():
        image.delete()
