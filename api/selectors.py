"""The API's reads: the site's selectors where one fits the answer, else small querysets that
start from the site's one visibility rule (Image.objects.visible_to, visible_boards). Each
costs a fixed number of queries, however many rows."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Value
from taggit.models import Tag

from boards.models import Board, BoardEntry
from boards.selectors import visible_boards
from bookmarks.privacy import blocks
from images.models import Image, Status, TaggedImage, visible_q
from images.tags import normalise_tag

from .problems import Problem

User = get_user_model()


IMAGE_FIELDS = (
    "id", "user_id", "title", "slug", "url", "page_url", "image", "thumbnails", "description",
    "alt_text", "created", "total_likes", "status", "failure", "private",
    "user__id", "user__username", "user__first_name", "user__last_name",
)  # fmt: skip


def images_for(viewer):
    """Images `viewer` may see, newest first, with the owner columns an answer shows. One
    query; their tags are one more (tags_by_image)."""
    return (
        Image.objects.visible_to(viewer)
        .select_related("user")
        .only(*IMAGE_FIELDS)
        .order_by("-created", "-id")
    )


def tags_by_image(image_ids: list[int]) -> dict[int, list[str]]:
    """{image id: its tag names, sorted} in one query (plain rows: taggit's prefetch builds a
    manager per image, which cost more than the rest of the answer)."""
    tags: dict[int, list[str]] = {pk: [] for pk in image_ids}
    if image_ids:
        rows = TaggedImage.objects.filter(content_object_id__in=image_ids).values_list(
            "content_object_id", "tag__name"
        )
        for image_id, name in rows:
            tags[image_id].append(name)
    for names in tags.values():
        names.sort()
    return tags


def person_or_404(username: str, *, viewer):
    """An active person by username; 404 when there is none or they blocked `viewer`."""
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None or (viewer.is_authenticated and blocks(person.pk, viewer.pk)):
        raise Problem(404, "No such person.")
    return person


def filtered_images(viewer, *, mine=False, user=None, tag=None, board=None):
    """images_for(viewer) narrowed by the list's filters: the viewer's own, one person's, one
    tag's, one board's (a board the viewer may see). A filter that names nothing → 404."""
    images = images_for(viewer)
    if mine:
        images = images.filter(user=viewer)
    if user:
        images = images.filter(user=person_or_404(user, viewer=viewer))
    if tag:
        try:
            name = normalise_tag(tag)
        except ValidationError as error:
            raise Problem(422, error.messages[0]) from None
        # The tag's id first, as the tag page does (the planner then sees how common it is).
        tag_id = Tag.objects.filter(name=name).values_list("pk", flat=True).first()
        images = images.filter(tagged__tag_id=tag_id) if tag_id else images.none()
    if board is not None:
        if not visible_boards(viewer).filter(pk=board).exists():
            raise Problem(404, "No such board.")
        images = images.filter(
            Exists(BoardEntry.objects.filter(board_id=board, image=OuterRef("pk")))
        )
    return images


def image_or_404(image_id: int, *, viewer) -> Image:
    """One image `viewer` may see, with `liked` (images.selectors.image_detail); 404 otherwise
    (anybody else's private, saving or failed image reads as none)."""
    from images.selectors import image_detail

    try:
        return image_detail(image_id, viewer=viewer)
    except Image.DoesNotExist:
        raise Problem(404, "No such image.") from None


def own_image_or_404(image_id: int, *, user) -> Image:
    try:
        return Image.objects.select_related("user").get(pk=image_id, user=user)
    except Image.DoesNotExist:
        raise Problem(404, "No such image.") from None


def board_entries(board, *, viewer):
    """The board's entries in its owner's order whose images `viewer` may see (their own
    private ones included), each with the image's API columns: one query a page."""
    return (
        BoardEntry.objects.filter(visible_q(viewer, prefix="image__"), board=board)
        .filter(image__status=Status.READY)
        .select_related("image__user")
        .only("id", "position", "board_id", *(f"image__{name}" for name in IMAGE_FIELDS))
        .order_by("position", "id")
    )


def entry_counts(viewer):
    """The number of a board's entries `viewer` may see (as the site's cards count them)."""
    return (
        BoardEntry.objects.filter(visible_q(viewer, prefix="image__"), board=OuterRef("pk"))
        .order_by()
        .values("board")
        .annotate(n=Count("pk"))
        .values("n")
    )


def boards_for(viewer):
    """Boards `viewer` may see with owner, cover and `entry_count`, recently updated first."""
    from django.db.models.functions import Coalesce

    return (
        visible_boards(viewer)
        .select_related("owner", "cover")
        .annotate(entry_count=Coalesce(entry_counts(viewer), Value(0)))
        .order_by("-updated", "-id")
    )


def board_or_404(board_id: int, *, viewer) -> Board:
    try:
        return boards_for(viewer).get(pk=board_id)
    except Board.DoesNotExist:
        raise Problem(404, "No such board.") from None


def own_board_or_404(board_id: int, *, user) -> Board:
    """The user's own board; anyone else's answers as a missing one (404), as on the site."""
    try:
        return boards_for(user).get(pk=board_id, owner=user)
    except Board.DoesNotExist:
        raise Problem(404, "No such board of yours.") from None
