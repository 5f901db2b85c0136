from django.db.models import Exists, OuterRef, Value

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


# A person as the pages draw them: a link with their name and avatar.
PERSON_FIELDS = ("id", "username", "first_name", "last_name")
AVATAR_FIELDS = ("profile__id", "profile__user_id", "profile__photo", "profile__photo_thumbnails")


def image_detail(image_id: int, *, viewer=None):
    """The image with its owner and the owner's profile (the byline's avatar), and `liked`:
    whether `viewer` likes it (False for a visitor). One query."""
    if viewer is not None and viewer.is_authenticated:
        likes = Image.users_like.through.objects.filter(image_id=OuterRef("pk"), user_id=viewer.pk)
        liked = Exists(likes)
    else:
        liked = Value(False)
    return Image.objects.select_related("user__profile").annotate(liked=liked).get(pk=image_id)


def likers_of(image: Image, limit: int = LIKERS_SHOWN):
    """The first `limit` people who like `image`, with the columns their avatar link needs.
    One query."""
    likers = image.users_like.select_related("profile").only(*PERSON_FIELDS, *AVATAR_FIELDS)
    return list(likers.order_by("-id")[:limit])


def images_by_ids_in_order(ids: list[int]) -> list[Image]:
    """The images with these ids, in the order given, skipping ids that no longer exist.
    One query."""
    found = (
        Image.objects.select_related("user")
        .only("id", "title", "slug", "image", "thumbnails", *(f"user__{f}" for f in PERSON_FIELDS))
        .in_bulk(ids)
    )
    return [found[i] for i in ids if i in found]


def ranked_images(ranked) -> list[tuple[Image, int]]:
    """[(image, views)] for ranking entries (see images.ranking.Ranked), order kept, deleted
    images skipped. One query."""
    images = images_by_ids_in_order([entry.image_id for entry in ranked])
    views = {entry.image_id: entry.views for entry in ranked}
    return [(image, views[image.id]) for image in images]
