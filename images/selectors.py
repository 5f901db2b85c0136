from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from bookmarks.paging import WindowPage, window_page

from .models import Image

IMAGES_PER_PAGE = 8
LIKERS_SHOWN = 24


def image_page(number, *, user=None) -> WindowPage | None:
    """A page of images newest first (optionally of one user), with their owners, for the grid;
    None when the number is not a page or lies past the end. One query."""
    images = Image.objects.select_related("user").only(
        "id", "slug", "title", "image", "thumbnails", "total_likes", "created",
        "user__id", "user__username", "user__first_name", "user__last_name",
    )  # fmt: skip
    if user is not None:
        images = images.filter(user=user)
    return window_page(images, number, per_page=IMAGES_PER_PAGE)


def image_detail(image_id: int):
    return Image.objects.select_related("user__profile").get(pk=image_id)


def likers_of(image: Image, limit: int = LIKERS_SHOWN):
    return list(image.users_like.select_related("profile").order_by("-id")[:limit])


def viewer_as_liker(image: Image, user) -> tuple[Any, bool]:
    """The viewing user with their profile (for their avatar among the likers) and whether
    they like the image, in one query; (None, False) for a visitor."""
    if not user.is_authenticated:
        return None, False
    likes = Image.users_like.through.objects.filter(image_id=image.pk, user_id=OuterRef("pk"))
    viewer = (
        get_user_model()
        .objects.select_related("profile")
        .annotate(likes_it=Exists(likes))
        .get(pk=user.pk)
    )
    return viewer, viewer.likes_it


def has_liked(image: Image, user) -> bool:
    return user.is_authenticated and image.users_like.filter(pk=user.pk).exists()


def images_by_ids_in_order(ids: list[int]) -> list[Image]:
    """The images with these ids, in the order given, skipping ids that no longer exist.
    One query."""
    found = Image.objects.select_related("user").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def ranked_images(ranked) -> list[tuple[Image, int]]:
    """[(image, views)] for ranking entries (see images.ranking.Ranked), order kept, deleted
    images skipped. One query."""
    images = images_by_ids_in_order([entry.image_id for entry in ranked])
    views = {entry.image_id: entry.views for entry in ranked}
    return [(image, views[image.id]) for image in images]
