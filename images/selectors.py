import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Value, Window
from django.db.models.functions import RowNumber
from taggit.models import Tag

from bookmarks.paging import WindowPage, window_page

from .models import Image, Status, visible_q
from .tags import is_tag

IMAGES_PER_PAGE = 8
# The columns the image grid (shared/_image_grid_items.html) draws.
GRID_FIELDS = (
    "id", "slug", "title", "alt_text", "image", "thumbnails", "total_likes", "created",
    "status", "failure", "private", "derivatives", "width", "height", "colour",
)  # fmt: skip
LIKERS_SHOWN = 24


def image_page(number, *, user=None, tag: str | None = None, viewer=None) -> WindowPage | None:
    """A page of images newest first (optionally of one user, and/or with one tag), with their
    owners, for the grid: only ready images, but the viewer's own saving or failed ones too.
    None when the number is not a page or lies past the end. One query (two with a tag)."""
    images = Image.objects.visible_to(viewer).select_related("user").only(
        *GRID_FIELDS, "user__id", "user__username", "user__first_name", "user__last_name",
    )  # fmt: skip
    if user is not None:
        images = images.filter(user=user)
    if tag is not None:
        # The tag's id first (one more query): joined through the name, the planner cannot
        # see how common the tag is and, for a popular one, gathers all its images and sorts
        # them (200 ms for page 50 of a tag on 35k images); by id, it reads newest first.
        tag_id = is_tag(tag) and Tag.objects.filter(name=tag).values_list("pk", flat=True).first()
        images = images.filter(tagged__tag_id=tag_id) if tag_id else images.none()
    return window_page(images, number, per_page=IMAGES_PER_PAGE)


# A person as the pages draw them: a link with their name and avatar.
PERSON_FIELDS = ("id", "username", "first_name", "last_name")
AVATAR_FIELDS = ("profile__id", "profile__user_id", "profile__photo", "profile__photo_thumbnails")


def image_detail(image_id: int, *, viewer=None):
    """The image with its owner and the owner's profile (the byline's avatar), and `liked`:
    whether `viewer` likes it (False for a visitor). One query. Image.DoesNotExist when the
    viewer may not see it (another person's image that is still saving or failed)."""
    liked: Exists | Value
    if viewer is not None and viewer.is_authenticated:
        likes = Image.users_like.through.objects.filter(image_id=OuterRef("pk"), user_id=viewer.pk)
        liked = Exists(likes)
    else:
        liked = Value(False)
    images = Image.objects.visible_to(viewer).select_related("user__profile", "duplicate_of")
    return images.annotate(liked=liked).get(pk=image_id)


def likers_of(image: Image, limit: int = LIKERS_SHOWN):
    """The first `limit` people who like `image`, with the columns their avatar link needs.
    One query."""
    likers = image.users_like.select_related("profile").only(*PERSON_FIELDS, *AVATAR_FIELDS)
    return list(likers.order_by("-id")[:limit])


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


def images_by_ids_in_order(ids: list[int], *, viewer=None) -> list[Image]:
    """The images with these ids that `viewer` may see, in the order given, skipping ids that
    no longer exist. One query."""
    found = (
        Image.objects.visible_to(viewer)
        .select_related("user")
        .only(
            "id",
            "title",
            "alt_text",
            "slug",
            "image",
            "thumbnails",
            "status",
            *(f"user__{f}" for f in PERSON_FIELDS),
        )
        .in_bulk(ids)
    )
    return [found[i] for i in ids if i in found]


LATEST_SHOWN = 4


def latest_images_of(user_ids, *, viewer, per_person: int = LATEST_SHOWN) -> dict[int, list[Image]]:
    """{user id: their newest `per_person` ready images that `viewer` may see, newest first},
    for rows of people (the People list, followers). One query however many people: a row
    number per person's images, kept up to `per_person`."""
    ids = list(user_ids)
    if not ids:
        return {}
    newest = Window(
        RowNumber(), partition_by=[F("user_id")], order_by=[F("created").desc(), F("id").desc()]
    )
    images = (
        Image.objects.visible_to(viewer)
        .filter(user_id__in=ids, status=Status.READY)
        .only("id", "slug", "title", "alt_text", "image", "thumbnails", "user_id", "created")
        .annotate(nth=newest)
        .filter(nth__lte=per_person)
        .order_by("user_id", "nth")
    )
    shown: dict[int, list[Image]] = {i: [] for i in ids}
    for image in images:
        shown[image.user_id].append(image)
    return shown


def liked_images_page(person, number, *, viewer) -> WindowPage | None:
    """A page of the images `person` liked, most recently liked first, that `viewer` may see,
    drawn as the grid draws them; None past the end. Two queries: the page of likes, and
    their images."""
    Like = Image.users_like.through
    likes = (
        Like.objects.filter(user_id=person.pk, image__in=Image.objects.visible_to(viewer))
        .order_by("-id")
        .values_list("image_id", flat=True)
    )
    page = window_page(likes, number, per_page=IMAGES_PER_PAGE)
    if page is None or not page.object_list:
        return page
    found = (
        Image.objects.visible_to(viewer)
        .select_related("user")
        .only(*GRID_FIELDS, *(f"user__{f}" for f in PERSON_FIELDS))
        .in_bulk(page.object_list)
    )
    page.object_list = [found[i] for i in page.object_list if i in found]
    return page


def ranked_images(ranked) -> list[tuple[Image, int]]:
    """[(image, views)] for ranking entries (see images.ranking.Ranked), order kept, deleted
    images skipped. One query."""
    images = images_by_ids_in_order([entry.image_id for entry in ranked])
    views = {entry.image_id: entry.views for entry in ranked}
    return [(image, views[image.id]) for image in images]


SUGGESTIONS = 10
PERSON_TAGS_SHOWN = 30


def tags_of(image: Image) -> list[str]:
    """The image's tag names, sorted. One query."""
    return sorted(image.tags.values_list("name", flat=True))


def person_tags(user, limit: int = PERSON_TAGS_SHOWN, *, viewer=None) -> list[str]:
    """The tags `user` uses most on their images that `viewer` may see, for the filter on
    their page (a tag only on private images is not shown to others). One query."""
    visible = visible_q(viewer, prefix="images_taggedimage_items__content_object__")
    tags = (
        Tag.objects.filter(visible, images_taggedimage_items__content_object__user=user)
        .annotate(uses=Count("images_taggedimage_items"))
        .order_by("-uses", "name")
        .values_list("name", flat=True)
    )
    return list(tags[:limit])


SUGGEST_CACHE_SECONDS = 300


def suggest_tags(prefix: str, *, user=None, limit: int = SUGGESTIONS) -> list[str]:
    """Up to `limit` tag names starting with `prefix`: those `user` has used first (by their
    use), then the most used by everyone. One query for the person's, and one for everyone's
    that is cached for a few minutes (it counts every tagged image: 70 ms at 100k images)."""
    if prefix and not is_tag(prefix):
        return []
    mine: list[str] = []
    if user is not None and user.is_authenticated:
        own = Tag.objects.filter(
            name__startswith=prefix, images_taggedimage_items__content_object__user=user
        )
        own = own.annotate(uses=Count("images_taggedimage_items")).order_by("-uses", "name")
        mine = list(own.values_list("name", flat=True)[:limit])
    key = "tag-suggest:" + hashlib.sha256(prefix.encode()).hexdigest()[:32]
    popular = cache.get(key)
    if popular is None:
        # Tags used on public images only: a tag of private images alone stays unknown.
        public = visible_q(None, prefix="images_taggedimage_items__content_object__")
        everyone = Tag.objects.filter(public, name__startswith=prefix)
        everyone = everyone.annotate(uses=Count("images_taggedimage_items"))
        popular = list(everyone.order_by("-uses", "name").values_list("name", flat=True)[:limit])
        cache.set(key, popular, SUGGEST_CACHE_SECONDS)
    return (mine + [name for name in popular if name not in mine])[:limit]
